import { withUser } from "@/lib/http/route";
import { unreadState } from "@/lib/notifications/unread-state";

export const GET = withUser(async ({ req, user }) => {
  const { unreadCount, cursor, etag } = await unreadState(user.id);
  const headers = { ETag: etag, "Cache-Control": "private, no-cache" };
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers });
  return Response.json({ unreadCount, cursor }, { headers });
});
