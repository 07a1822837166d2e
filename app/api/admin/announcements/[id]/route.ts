import { withdrawAnnouncement } from "@/lib/announcements/withdraw-announcement";
import { AppError } from "@/lib/http/errors";
import { withAdmin } from "@/lib/http/route";
import { idParam } from "@/lib/notifications/schemas";

export const DELETE = withAdmin<{ id: string }>(async ({ params }) => {
  const id = idParam.safeParse(params.id);
  if (!id.success) throw new AppError("not_found", "No such announcement.");
  await withdrawAnnouncement(id.data);
  return new Response(null, { status: 204 });
});
