import { parseQuery } from "@/lib/http/body";
import { withUser } from "@/lib/http/route";
import { listNotifications } from "@/lib/notifications/list-notifications";
import { listQuerySchema } from "@/lib/notifications/schemas";

export const GET = withUser(async ({ req, user }) => {
  const query = parseQuery(req.url, listQuerySchema);
  return Response.json(await listNotifications(user.id, query));
});
