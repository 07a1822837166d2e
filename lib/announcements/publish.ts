import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";

const idsSchema = z.array(z.string());

/**
 * Publishes every announcement whose time has come. Each is claimed and its recipients' rows
 * written in one transaction, so it is delivered exactly once however many instances run this.
 */
export async function publishDue(now = new Date()): Promise<number> {
  const due = await db.announcement.findMany({
    where: { publishedAt: null, publishAt: { lte: now } },
    orderBy: { publishAt: "asc" },
    take: 50,
    select: { id: true, title: true, body: true, link: true, recipientIds: true },
  });
  let published = 0;
  for (const a of due) {
    const userIds = idsSchema.parse(JSON.parse(a.recipientIds));
    const claimed = await db.$transaction(async (tx) => {
      const claim = await tx.announcement.updateMany({
        where: { id: a.id, publishedAt: null },
        data: { publishedAt: new Date() },
      });
      if (claim.count !== 1) return false;
      await tx.notification.createMany({
        data: userIds.map((userId) => ({
          userId,
          kind: "announcement",
          title: a.title,
          body: a.body,
          link: a.link,
          announcementId: a.id,
        })),
      });
      return true;
    });
    if (claimed) {
      hub.publish(userIds);
      published++;
    }
  }
  return published;
}
