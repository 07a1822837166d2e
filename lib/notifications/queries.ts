import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db, sql } from "@/lib/db/client";
import { asDate, asNullableDate, type RawDate, type RawInt } from "@/lib/db/raw";
import type { NotificationRow } from "./dto";
import { broadcastsFor, unreadBroadcastsFor, type Viewer, viewerOf } from "./viewer";

export const notificationSelect = {
  seq: true,
  id: true,
  kind: true,
  title: true,
  body: true,
  link: true,
  createdAt: true,
  readAt: true,
} as const;

/** A broadcast row's read state is the viewer's receipt, not the row's own column. */
function broadcastSelect(v: Viewer) {
  return { ...notificationSelect, receipts: { where: { userId: v.id }, select: { readAt: true }, take: 1 } } as const;
}

type BroadcastRow = NotificationRow & { receipts: Array<{ readAt: Date | null }> };
const asViewerRow = (r: BroadcastRow): NotificationRow => {
  const { receipts, ...row } = r;
  return { ...row, readAt: receipts[0]?.readAt ?? null };
};

/**
 * Two indexed queries, merged by seq: the user's own rows, and the broadcast rows they can see.
 * `order` "asc" for replay, "desc" for pages.
 */
export async function visibleRows(
  userId: string,
  opts: { seq?: { gt?: number; lt?: number }; order: "asc" | "desc"; take: number; own?: Prisma.NotificationWhereInput; broadcast?: "all" | "unread" },
): Promise<NotificationRow[]> {
  const v = await viewerOf(userId);
  const seq = opts.seq ? { seq: opts.seq } : {};
  const [own, broadcast] = await Promise.all([
    db.notification.findMany({
      where: { userId, ...seq, ...opts.own },
      orderBy: { seq: opts.order },
      take: opts.take,
      select: notificationSelect,
    }),
    v
      ? db.notification.findMany({
          where: { ...(opts.broadcast === "unread" ? unreadBroadcastsFor(v) : broadcastsFor(v)), ...seq },
          orderBy: { seq: opts.order },
          take: opts.take,
          select: broadcastSelect(v),
        })
      : Promise.resolve([]),
  ]);
  if (broadcast.length === 0) return own;
  const merged = [...own, ...broadcast.map(asViewerRow)];
  merged.sort((a, b) => (opts.order === "asc" ? a.seq - b.seq : b.seq - a.seq));
  return merged.slice(0, opts.take);
}

/**
 * Own unread rows (the (userId, readAt) index) plus unread broadcasts (few rows, one per
 * announcement), in one round trip: the two counts as one statement, because each Prisma query
 * costs about half a millisecond of its own. The broadcast part is `unreadBroadcastsFor` in SQL;
 * the integration tests compare this count with the unread list.
 */
export async function countUnread(userId: string): Promise<number> {
  const v = await viewerOf(userId);
  if (!v) return db.notification.count({ where: { userId, readAt: null } });
  const [row] = await sql.query<{ n: RawInt }>(Prisma.sql`
    SELECT
      (SELECT COUNT(*) FROM "Notification" WHERE "userId" = ${userId} AND "readAt" IS NULL)
    + (SELECT COUNT(*) FROM "Notification" b
        WHERE b."userId" IS NULL
          AND b."createdAt" >= ${v.createdAt}
          AND (b."audienceRole" IS NULL OR b."audienceRole" = ${v.role})
          AND NOT EXISTS (
            SELECT 1 FROM "BroadcastReceipt" r
            WHERE r."userId" = ${userId} AND r."notificationId" = b."id"
              AND (r."readAt" IS NOT NULL OR r."hiddenAt" IS NOT NULL))) AS n`);
  return Number(row?.n ?? 0);
}

/** A notification row as a hand-written statement returns it (the columns of `notificationSelect`). */
export type RawRow = Omit<NotificationRow, "seq" | "createdAt" | "readAt"> & {
  seq: RawInt;
  createdAt: RawDate;
  readAt: RawDate | null;
};

export const fromRawRow = (r: RawRow): NotificationRow => ({
  ...r,
  seq: Number(r.seq),
  createdAt: asDate(r.createdAt),
  readAt: asNullableDate(r.readAt),
});

/**
 * The user's notifications created after `seq`, oldest first: the replay of a live cursor, read on
 * every delivery. The same rows as `visibleRows(userId, { seq: { gt: seq }, order: "asc" })` (the
 * integration tests compare them), as one hand-written statement: the ORM's two queries and the
 * receipts relation cost about 1 ms of query compilation per delivery (docs/decisions/011-hot-path-sql.md).
 */
export async function rowsAfter(userId: string, seq: number, limit: number): Promise<NotificationRow[]> {
  const v = await viewerOf(userId);
  const own = Prisma.sql`
    SELECT n.seq, n.id, n.kind, n.title, n.body, n.link, n."createdAt", n."readAt" FROM "Notification" n
    WHERE n."userId" = ${userId} AND n.seq > ${seq} ORDER BY n.seq LIMIT ${limit}`;
  const rows = await sql.query<RawRow>(
    v
      ? Prisma.sql`
    SELECT * FROM (${own}) o
    UNION ALL
    SELECT * FROM (
      SELECT b.seq, b.id, b.kind, b.title, b.body, b.link, b."createdAt", r."readAt" FROM "Notification" b
      LEFT JOIN "BroadcastReceipt" r ON r."notificationId" = b.id AND r."userId" = ${userId}
      WHERE b."userId" IS NULL AND b.seq > ${seq} AND b."createdAt" >= ${v.createdAt}
        AND (b."audienceRole" IS NULL OR b."audienceRole" = ${v.role}) AND r."hiddenAt" IS NULL
      ORDER BY b.seq LIMIT ${limit}) b
    ORDER BY seq LIMIT ${limit}`
      : own,
  );
  return rows.map(fromRawRow);
}

/** The newest `seq` the user can see (0 when none): two index seeks in one statement. */
export async function latestSeq(userId: string): Promise<number> {
  const v = await viewerOf(userId);
  const own = Prisma.sql`SELECT MAX(seq) AS s FROM "Notification" WHERE "userId" = ${userId}`;
  const [row] = await sql.query<{ s: RawInt | null }>(
    v
      ? Prisma.sql`
    SELECT MAX(s) AS s FROM (
      ${own}
      UNION ALL
      SELECT MAX(b.seq) AS s FROM "Notification" b
      WHERE b."userId" IS NULL AND b."createdAt" >= ${v.createdAt}
        AND (b."audienceRole" IS NULL OR b."audienceRole" = ${v.role})
        AND NOT EXISTS (SELECT 1 FROM "BroadcastReceipt" r
          WHERE r."userId" = ${userId} AND r."notificationId" = b.id AND r."hiddenAt" IS NOT NULL)) m`
      : own,
  );
  return Number(row?.s ?? 0);
}

/** One notification the user can see, by id: their own row or a broadcast in their audience. */
export async function findVisible(userId: string, id: string): Promise<(NotificationRow & { broadcast: boolean }) | null> {
  const own = await db.notification.findFirst({ where: { id, userId }, select: notificationSelect });
  if (own) return { ...own, broadcast: false };
  const v = await viewerOf(userId);
  if (!v) return null;
  const row = await db.notification.findFirst({ where: { id, ...broadcastsFor(v) }, select: broadcastSelect(v) });
  return row ? { ...asViewerRow(row), broadcast: true } : null;
}
