import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime";
import { findVisible } from "./queries";

/** Deletes the user's own notification, or hides a broadcast announcement for this user only. */
export async function removeNotification(userId: string, id: string): Promise<void> {
  const row = await findVisible(userId, id);
  if (!row) throw new AppError("not_found", "No such notification.");
  if (row.broadcast) {
    const hiddenAt = new Date();
    await db.broadcastReceipt.upsert({
      where: { userId_notificationId: { userId, notificationId: id } },
      create: { userId, notificationId: id, hiddenAt },
      update: { hiddenAt },
    });
  } else {
    const { count } = await db.notification.deleteMany({ where: { id, userId } });
    if (count === 0) throw new AppError("not_found", "No such notification.");
  }
  hub.publish([userId]);
}
