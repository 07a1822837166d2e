import "server-only";
import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";

export async function readAll(userId: string): Promise<{ unreadCount: 0 }> {
  const { count } = await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
  if (count > 0) hub.publish([userId]);
  return { unreadCount: 0 };
}
