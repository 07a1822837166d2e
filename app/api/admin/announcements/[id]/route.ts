import { withdrawAnnouncement } from "@/lib/announcements/withdraw-announcement";
import { parsePathId } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const DELETE = withAdmin<{ id: string }>(async ({ params }) => {
  await withdrawAnnouncement(parsePathId(params.id, "No such announcement."));
  return new Response(null, { status: 204 });
});
