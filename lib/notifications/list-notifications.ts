import "server-only";
import type { z } from "zod";
import { encodeCursor } from "./cursor";
import { toDto, type NotificationDto } from "./dto";
import { countUnread, visibleRows } from "./queries";
import type { listQuerySchema } from "./schemas";

export type ListResult = { items: NotificationDto[]; nextCursor: string | null; unreadCount: number };

/**
 * Newest first, a page at a time: the user's own rows (the (userId, seq) and (userId, kind, seq)
 * indexes) merged with the broadcast announcements they can see.
 */
export async function listNotifications(userId: string, q: z.infer<typeof listQuerySchema>): Promise<ListResult> {
  const [rows, unreadCount] = await Promise.all([
    visibleRows(userId, {
      order: "desc",
      take: q.limit + 1,
      ...(q.cursor !== undefined ? { seq: { lt: q.cursor } } : {}),
      own: q.filter === "unread" ? { readAt: null } : q.filter === "announcements" ? { kind: "announcement" } : {},
      broadcast: q.filter === "unread" ? "unread" : "all",
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
