import { parseQuery } from "@/lib/http/body";
import { withUser } from "@/lib/http/route";
import { hub } from "@/lib/realtime";
import { longPoll, pollQuerySchema } from "@/lib/realtime/transports/poll";

export const dynamic = "force-dynamic";

export const GET = withUser(async ({ req, user }) => {
  const query = parseQuery(req.url, pollQuerySchema);
  const answer = await longPoll(hub, user.id, query, req.signal, user.role);
  return Response.json(answer, { headers: { "Cache-Control": "no-store" } });
});
