import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";
import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const body = await checkHealth(() => db.$queryRawUnsafe("SELECT 1"), () => hub.busHealthy());
  return Response.json(body, { status: body.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
