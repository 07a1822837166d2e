import "server-only";
import { db } from "@/lib/db/client";
import { notificationSelect } from "@/lib/notifications/queries";
import { lockSeqOrder } from "@/lib/notifications/seq-order";
import { hub } from "@/lib/realtime";
import { parseRecipientIds } from "./schemas";

type Counter = Pick<typeof db, "user" | "$queryRaw">;

/**
 * Accounts in an audience (`role` null = everyone) that exist at `at`: all of them minus those
 * created since (an index seek that finds next to none). For everyone, SQLite counts a whole table
 * without reading its rows, so this stays flat as the site grows; a role is an index range count.
 */
export async function audienceSize(role: string | null, at: Date, client: Counter = db): Promise<number> {
  const [all, since] = await Promise.all([
    role
      ? client.user.count({ where: { role } })
      : client.$queryRaw<Array<{ n: bigint | number }>>`SELECT COUNT(*) AS n FROM "User"`.then((r) => Number(r[0]?.n ?? 0)),
    client.user.count({ where: { createdAt: { gt: at }, ...(role ? { role } : {}) } }),
  ]);
  return all - since;
}

/**
 * Publishes every announcement whose time has come. Each is claimed and its rows written in one
 * transaction, so it is delivered exactly once however many instances run this: a row per listed
 * user, or one broadcast row for everyone or a role (seen by the accounts that exist now).
 */
export async function publishDue(now = new Date()): Promise<number> {
  const due = await db.announcement.findMany({
    where: { publishedAt: null, publishAt: { lte: now } },
    orderBy: { publishAt: "asc" },
    take: 50,
    select: { id: true, title: true, body: true, link: true, recipientIds: true, audienceType: true, audienceRole: true },
  });
  let published = 0;
  for (const a of due) {
    const broadcast = a.audienceType !== "users";
    const role = a.audienceType === "role" ? a.audienceRole : null;
    const userIds = broadcast ? [] : parseRecipientIds(a.recipientIds);
    const claimed = await db.$transaction(async (tx) => {
      const at = new Date();
      const claim = await tx.announcement.updateMany({
        where: { id: a.id, publishedAt: null },
        data: { publishedAt: at },
      });
      if (claim.count !== 1) return false;
      await lockSeqOrder(tx);
      const content = { kind: "announcement", title: a.title, body: a.body, link: a.link, announcementId: a.id };
      if (broadcast) {
        const row = await tx.notification.create({
          data: { ...content, userId: null, audienceRole: role, createdAt: at },
          select: notificationSelect,
        });
        await tx.announcement.update({ where: { id: a.id }, data: { recipientCount: await audienceSize(role, at, tx) } });
        return { ...row, createdAt: row.createdAt.toISOString() };
      }
      await tx.notification.createMany({ data: userIds.map((userId) => ({ ...content, userId })) });
      return true;
    });
    if (!claimed) continue;
    // A broadcast carries its row, so connections in the audience can update without a query each.
    if (claimed !== true) hub.publishAudience(role, claimed);
    else hub.publish(userIds);
    published++;
  }
  return published;
}
