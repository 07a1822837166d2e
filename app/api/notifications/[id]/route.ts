import { parseJson } from "@/lib/http/body";
import { AppError } from "@/lib/http/errors";
import { withUser } from "@/lib/http/route";
import { removeNotification } from "@/lib/notifications/remove-notification";
import { idParam, patchSchema } from "@/lib/notifications/schemas";
import { setRead } from "@/lib/notifications/set-read";

function notificationId(raw: string): string {
  const id = idParam.safeParse(raw);
  if (!id.success) throw new AppError("not_found", "No such notification.");
  return id.data;
}

export const PATCH = withUser<{ id: string }>(async ({ req, params, user }) => {
  const { read } = await parseJson(req, patchSchema, 1024);
  return Response.json(await setRead(user.id, notificationId(params.id), read));
});

export const DELETE = withUser<{ id: string }>(async ({ params, user }) => {
  await removeNotification(user.id, notificationId(params.id));
  return new Response(null, { status: 204 });
});
