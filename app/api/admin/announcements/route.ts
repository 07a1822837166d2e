import { createAnnouncement } from "@/lib/announcements/create-announcement";
import { listAnnouncements, listAnnouncementsQuery } from "@/lib/announcements/list-announcements";
import { createAnnouncementSchema } from "@/lib/announcements/schemas";
import { parseJson, parseQuery } from "@/lib/http/body";
import { withAdmin } from "@/lib/http/route";

export const GET = withAdmin(async ({ req }) => {
  return Response.json(await listAnnouncements(parseQuery(req.url, listAnnouncementsQuery)));
});

export const POST = withAdmin(async ({ req, user }) => {
  const input = await parseJson(req, createAnnouncementSchema, 512 * 1024);
  return Response.json(await createAnnouncement(user.id, input), { status: 201 });
});
