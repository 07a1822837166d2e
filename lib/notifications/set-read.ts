import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime";
import { toDto, type NotificationDto } from "./dto";
import { countUnread, findVisible } from "./queries";

/**
 * Marks one notification the user can see read or unread: their own row's column, or their receipt
 * for a broadcast. Another user's id is "not found".
 */
export async function setRead(
  userId: string,
  id: string,
  read: boolean,
): Promise<{ item: NotificationDto; unreadCount: number }> {
  const row = await findVisible(userId, id);
  if (!row) throw new AppError("not_found", "No such notification.");
  const { broadcast, ...item } = row;
  if (read === (item.readAt !== null)) return { item: toDto(item), unreadCount: await countUnread(userId) };
  const readAt = read ? new Date() : null;
  if (broadcast) {
    await db.broadcastReceipt.upsert({
      where: { userId_notificationId: { userId, notificationId: id } },
      create: { userId, notificationId: id, readAt },
      update: { readAt },
    });
  } else {
    await db.notification.update({ where: { seq: item.seq }, data: { readAt } });
  }
  hub.publish([userId]);
  return { item: toDto({ ...item, readAt }), unreadCount: await countUnread(userId) };
}
