import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import type { RawInt } from "@/lib/db/raw";
import { notificationSelect } from "@/lib/notifications/queries";
import { lockSeqOrder } from "@/lib/notifications/seq-order";
import { hub } from "@/lib/realtime";
import type { BroadcastRowPayload } from "@/lib/realtime/bus/types";
import { parseRecipientIds } from "./schemas";

type Counter = Pick<typeof db, "$queryRaw">;

/**
 * Accounts in an audience (`role` null = everyone) that exist at `at`: all of them minus those
 * created since (an index seek that finds next to none), in one statement: it runs inside the
 * publishing transaction, before the broadcast goes out. For everyone, SQLite counts a whole table
 * without reading its rows, so this stays flat as the site grows; a role is an index range count.
 */
export async function audienceSize(role: string | null, at: Date, client: Counter = db): Promise<number> {
  const inRole = role === null ? Prisma.empty : Prisma.sql` AND role = ${role}`;
  const [row] = await client.$queryRaw<Array<{ everyone: RawInt; since: RawInt }>>`
    SELECT (SELECT COUNT(*) FROM "User"${role === null ? Prisma.empty : Prisma.sql` WHERE role = ${role}`}) AS everyone,
           (SELECT COUNT(*) FROM "User" WHERE "createdAt" > ${at}${inRole}) AS since`;
  return Number(row?.everyone ?? 0) - Number(row?.since ?? 0);
}

type Content = { id: string; title: string; body: string; link: string | null };
type Target = { broadcast: false; userIds: readonly string[] } | { broadcast: true; role: string | null };
type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];
/** What was written: a broadcast's row (carried to the hub) or none, and the audience counted. */
type Written = { row: BroadcastRowPayload | null; recipientCount: number };

/**
 * Inside the publishing transaction (which holds the seq-order lock): a row per listed user, or one
 * broadcast row for everyone or a role, seen by the accounts that exist at `at`, whose audience it
 * counts into the announcement.
 */
async function writeRows(tx: Tx, a: Content, target: Target, at: Date): Promise<Written> {
  const content = { kind: "announcement", title: a.title, body: a.body, link: a.link, announcementId: a.id };
  if (!target.broadcast) {
    await tx.notification.createMany({ data: target.userIds.map((userId) => ({ ...content, userId, createdAt: at })) });
    return { row: null, recipientCount: target.userIds.length };
  }
  const row = await tx.notification.create({
    data: { ...content, userId: null, audienceRole: target.role, createdAt: at },
    select: notificationSelect,
  });
  const recipientCount = await audienceSize(target.role, at, tx);
  await tx.$executeRaw`UPDATE "Announcement" SET "recipientCount" = ${recipientCount} WHERE id = ${a.id}`;
  return { row: { ...row, createdAt: row.createdAt.toISOString() }, recipientCount };
}

/** After the commit: tell every instance. A broadcast carries its row, so connections update without a query each. */
function announce(target: Target, written: Written): void {
  if (!target.broadcast) hub.publish(target.userIds);
  else if (written.row) hub.publishAudience(target.role, written.row);
}

function targetOf(a: { audienceType: string; audienceRole: string | null; recipientIds: string }): Target {
  return a.audienceType === "users"
    ? { broadcast: false, userIds: parseRecipientIds(a.recipientIds) }
    : { broadcast: true, role: a.audienceType === "role" ? a.audienceRole : null };
}

/**
 * An announcement sent now: the announcement row (already published) and its notification rows in
 * one transaction, then the hub. No claim is needed: no other instance can see it before it commits.
 */
export async function createPublished(data: Omit<Prisma.AnnouncementUncheckedCreateInput, "publishedAt">): Promise<{ id: string; publishAt: Date; recipientCount: number }> {
  const at = new Date();
  const [target, written, row] = await db.$transaction(async (tx) => {
    await lockSeqOrder(tx);
    const created = await tx.announcement.create({
      data: { ...data, publishAt: at, publishedAt: at },
      select: { id: true, title: true, body: true, link: true, audienceType: true, audienceRole: true, recipientIds: true },
    });
    const t = targetOf(created);
    return [t, await writeRows(tx, created, t, at), created] as const;
  });
  announce(target, written);
  return { id: row.id, publishAt: at, recipientCount: written.recipientCount };
}

/**
 * Publishes every scheduled announcement whose time has come. Each is claimed and its rows written in
 * one transaction, so it is delivered exactly once however many instances run this.
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
    const target = targetOf(a);
    const written = await db.$transaction(async (tx) => {
      const at = new Date();
      const claim = await tx.announcement.updateMany({ where: { id: a.id, publishedAt: null }, data: { publishedAt: at } });
      if (claim.count !== 1) return null;
      await lockSeqOrder(tx);
      return writeRows(tx, a, target, at);
    });
    if (!written) continue;
    announce(target, written);
    published++;
  }
  return published;
}
