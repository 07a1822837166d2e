import "server-only";
import { db } from "@/lib/db/client";
import type { NotificationRow } from "./dto";

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

/** Served by the (userId, readAt) index. */
export function countUnread(userId: string): Promise<number> {
  return db.notification.count({ where: { userId, readAt: null } });
}

/** The user's notifications created after `seq`, oldest first: the replay of a live cursor. */
export function rowsAfter(userId: string, seq: number, limit: number): Promise<NotificationRow[]> {
  return db.notification.findMany({
    where: { userId, seq: { gt: seq } },
    orderBy: { seq: "asc" },
    take: limit,
    select: notificationSelect,
  });
}

/** The newest `seq` among the user's notifications (0 when none). */
export async function latestSeq(userId: string): Promise<number> {
  const row = await db.notification.findFirst({ where: { userId }, orderBy: { seq: "desc" }, select: { seq: true } });
  return row?.seq ?? 0;
}
