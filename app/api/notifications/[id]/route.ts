import { parseJson, parsePathId } from "@/lib/http/body";
import { withUser } from "@/lib/http/route";
import { removeNotification } from "@/lib/notifications/remove-notification";
import { patchSchema } from "@/lib/notifications/schemas";
import { setRead } from "@/lib/notifications/set-read";

const notificationId = (raw: string) => parsePathId(raw, "No such notification.");

export const PATCH = withUser<{ id: string }>(async ({ req, params, user }) => {
  const { read } = await parseJson(req, patchSchema, 1024);
  return Response.json(await setRead(user.id, notificationId(params.id), read));
});

export const DELETE = withUser<{ id: string }>(async ({ params, user }) => {
  await removeNotification(user.id, notificationId(params.id));
  return new Response(null, { status: 204 });
});
