import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime";
import { toDto, type NotificationDto } from "./dto";
import { countUnread, notificationSelect } from "./queries";

/** Marks one of the user's notifications read or unread. Another user's id is "not found". */
export async function setRead(
  userId: string,
  id: string,
  read: boolean,
): Promise<{ item: NotificationDto; unreadCount: number }> {
  const row = await db.notification.findFirst({ where: { id, userId }, select: notificationSelect });
  if (!row) throw new AppError("not_found", "No such notification.");
  if (read === (row.readAt !== null)) return { item: toDto(row), unreadCount: await countUnread(userId) };
  const updated = await db.notification.update({
    where: { seq: row.seq },
    data: { readAt: read ? new Date() : null },
    select: notificationSelect,
  });
  hub.publish([userId]);
  return { item: toDto(updated), unreadCount: await countUnread(userId) };
}
