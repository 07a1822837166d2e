import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { type Audience, parseRecipientIds } from "./schemas";

/** The page cursor: the last item's creation time (ms) and id, so it survives that item's withdrawal. */
const pageCursor = z
  .string()
  .regex(/^\d{1,15}_[A-Za-z0-9_-]{1,64}$/, "Not a cursor this server issued.")
  .transform((c) => {
    const at = c.indexOf("_");
    return { createdAt: new Date(Number(c.slice(0, at))), id: c.slice(at + 1) };
  });

export const listAnnouncementsQuery = z.object({
  cursor: pageCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type AnnouncementItem = {
  id: string;
  title: string;
  audience: Audience;
  publishAt: string;
  publishedAt: string | null;
  createdBy: string;
  recipientCount: number;
  readCount: number;
};

/** The history, newest first, with read counts from one grouped query per page. */
export async function listAnnouncements(query: z.infer<typeof listAnnouncementsQuery>): Promise<{ items: AnnouncementItem[]; nextCursor: string | null }> {
  const rows = await db.announcement.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    where: query.cursor
      ? {
          OR: [
            { createdAt: { lt: query.cursor.createdAt } },
            { createdAt: query.cursor.createdAt, id: { lt: query.cursor.id } },
          ],
        }
      : {},
    select: {
      createdAt: true,
      id: true,
      title: true,
      audienceType: true,
      audienceRole: true,
      recipientIds: true,
      publishAt: true,
      publishedAt: true,
      recipientCount: true,
      createdBy: { select: { email: true } },
    },
  });
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const reads = await db.notification.groupBy({
    by: ["announcementId"],
    where: { announcementId: { in: ids }, readAt: { not: null } },
    _count: { _all: true },
  });
  const readCount = new Map(reads.map((r) => [r.announcementId, r._count._all]));
  // A broadcast's reads are its receipts, counted per broadcast row by the (notificationId, readAt) index.
  const broadcasts = await db.notification.findMany({ where: { announcementId: { in: ids }, userId: null }, select: { id: true, announcementId: true } });
  if (broadcasts.length) {
    const receipts = await db.broadcastReceipt.groupBy({
      by: ["notificationId"],
      where: { notificationId: { in: broadcasts.map((b) => b.id) }, readAt: { not: null } },
      _count: { _all: true },
    });
    const byRow = new Map(receipts.map((r) => [r.notificationId, r._count._all]));
    for (const b of broadcasts) readCount.set(b.announcementId, (readCount.get(b.announcementId) ?? 0) + (byRow.get(b.id) ?? 0));
  }
  const recipientIds = new Map(page.map((r) => [r.id, r.audienceType === "users" ? parseRecipientIds(r.recipientIds) : []]));
  const users = await db.user.findMany({ where: { id: { in: [...new Set([...recipientIds.values()].flat())] } }, select: { id: true, email: true } });
  const emailOf = new Map(users.map((u) => [u.id, u.email]));

  const items = page.map((r): AnnouncementItem => {
    const audience: Audience =
      r.audienceType === "all"
        ? { type: "all" }
        : r.audienceType === "role"
          ? { type: "role", role: r.audienceRole === "admin" ? "admin" : "user" }
          : { type: "users", emails: (recipientIds.get(r.id) ?? []).flatMap((id) => emailOf.get(id) ?? []) };
    return {
      id: r.id,
      title: r.title,
      audience,
      publishAt: r.publishAt.toISOString(),
      publishedAt: r.publishedAt?.toISOString() ?? null,
      createdBy: r.createdBy.email,
      recipientCount: r.recipientCount,
      readCount: readCount.get(r.id) ?? 0,
    };
  });
  const last = page.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? `${last.createdAt.getTime()}_${last.id}` : null };
}
