import { createAnnouncement } from "@/lib/announcements/create-announcement";
import { createAnnouncementSchema } from "@/lib/announcements/schemas";
import { parseJson } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const POST = withAdmin(async ({ req, user }) => {
  const input = await parseJson(req, createAnnouncementSchema, 256 * 1024);
  return Response.json(await createAnnouncement(user.id, input), { status: 201 });
});
