import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";
import { hub } from "@/lib/realtime";
import { unreadBroadcastsFor, viewerOf } from "./viewer";

/**
 * Marks everything the user can see read: their own rows, and a read receipt for each unread
 * broadcast. Each step is one statement (the receipts an upsert), so a concurrent read or hide of
 * the same announcement cannot make it fail, and no transaction is held open across requests.
 */
export async function readAll(userId: string): Promise<{ unreadCount: 0 }> {
  const now = new Date();
  const own = await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } });
  let receipts = 0;
  const v = await viewerOf(userId);
  if (v) {
    const unread = await db.notification.findMany({ where: unreadBroadcastsFor(v), select: { id: true } });
    for (let i = 0; i < unread.length; i += 200) {
      const values = unread.slice(i, i + 200).map((r) => Prisma.sql`(${userId}, ${r.id}, ${now})`);
      receipts += await db.$executeRaw`
        INSERT INTO "BroadcastReceipt" ("userId", "notificationId", "readAt") VALUES ${Prisma.join(values)}
        ON CONFLICT ("userId", "notificationId") DO UPDATE SET "readAt" = excluded."readAt"
        WHERE "BroadcastReceipt"."readAt" IS NULL`;
    }
  }
  if (own.count + receipts > 0) hub.publish([userId]);
  return { unreadCount: 0 };
}
