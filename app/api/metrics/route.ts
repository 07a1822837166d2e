import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { errorResponse } from "@/lib/http/errors";
import { requireAdmin } from "@/lib/http/route";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

function bearerMatches(req: Request): boolean {
  const token = env.METRICS_TOKEN;
  const header = req.headers.get("authorization") ?? "";
  if (!token || !header.startsWith("Bearer ")) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus text: for an admin session or the METRICS_TOKEN bearer. */
export async function GET(req: Request): Promise<Response> {
  try {
    if (!bearerMatches(req)) await requireAdmin(req);
    return new Response(await metrics.registry.metrics(), {
      headers: { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
