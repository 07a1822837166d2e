import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { encodeCursor } from "./cursor";
import { toDto, type NotificationDto } from "./dto";
import { countUnread, notificationSelect } from "./queries";
import type { listQuerySchema } from "./schemas";

export type ListResult = { items: NotificationDto[]; nextCursor: string | null; unreadCount: number };

/** Newest first, a page at a time; served by the (userId, seq) and (userId, kind, seq) indexes. */
export async function listNotifications(userId: string, q: z.infer<typeof listQuerySchema>): Promise<ListResult> {
  const [rows, unreadCount] = await Promise.all([
    db.notification.findMany({
      where: {
        userId,
        ...(q.filter === "unread" ? { readAt: null } : {}),
        ...(q.filter === "announcements" ? { kind: "announcement" } : {}),
        ...(q.cursor !== undefined ? { seq: { lt: q.cursor } } : {}),
      },
      orderBy: { seq: "desc" },
      take: q.limit + 1,
      select: notificationSelect,
    }),
    countUnread(userId),
  ]);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toDto),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.seq) : null,
    unreadCount,
  };
}
