import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { AppError, errorResponse } from "@/lib/http/errors";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/** next-auth calls `req.json()` on a JSON POST unguarded, so a malformed body would be a 500. */
async function malformedJson(req: NextRequest): Promise<boolean> {
  if (req.method !== "POST" || !req.headers.get("content-type")?.includes("application/json")) return false;
  try {
    await req.clone().json();
    return false;
  } catch {
    return true;
  }
}

// Options are built per request so the secret is read lazily (never during `next build`).
const handler = async (req: NextRequest, ctx: Ctx): Promise<Response> => {
  if (await malformedJson(req)) return errorResponse(new AppError("invalid_json"));
  return NextAuth(req, ctx, authOptions());
};

export { handler as GET, handler as POST };
