import "server-only";
import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";
import { unreadBroadcastsFor, viewerOf } from "./viewer";

/** Marks everything the user can see read: their own rows, and a receipt for each unread broadcast. */
export async function readAll(userId: string): Promise<{ unreadCount: 0 }> {
  const now = new Date();
  const v = await viewerOf(userId);
  const changed = await db.$transaction(async (tx) => {
    const own = await tx.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } });
    if (!v) return own.count;
    const unread = await tx.notification.findMany({ where: unreadBroadcastsFor(v), select: { id: true } });
    if (unread.length === 0) return own.count;
    const ids = unread.map((r) => r.id);
    const existing = await tx.broadcastReceipt.findMany({ where: { userId, notificationId: { in: ids } }, select: { notificationId: true } });
    const have = new Set(existing.map((r) => r.notificationId));
    await tx.broadcastReceipt.updateMany({ where: { userId, notificationId: { in: [...have] } }, data: { readAt: now } });
    await tx.broadcastReceipt.createMany({ data: ids.filter((id) => !have.has(id)).map((notificationId) => ({ userId, notificationId, readAt: now })) });
    return own.count + ids.length;
  });
  if (changed > 0) hub.publish([userId]);
  return { unreadCount: 0 };
}
