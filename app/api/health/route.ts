import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const dbOk = await db.$queryRawUnsafe("SELECT 1").then(
    () => true,
    () => false,
  );
  const busOk = hub.busHealthy();
  const body = { ok: dbOk && busOk, db: dbOk ? "ok" : "down", bus: busOk ? "ok" : "down" };
  return Response.json(body, { status: body.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
