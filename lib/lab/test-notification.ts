import "server-only";
import { db } from "@/lib/db/client";
import { notify } from "@/lib/notifications/notify";

export const LAB_LINK = "/lab";

export type LabTestTexts = (n: number) => { title: string; body: string };

/**
 * Sends the caller (and only the caller) a `message` notification through the one producer entry
 * point, so it travels the same road as every other notification. Numbered per user: the n-th
 * lab message this user has in their inbox.
 */
export async function sendLabTest(userId: string, texts: LabTestTexts): Promise<{ id: string; sentAt: string }> {
  const previous = await db.notification.count({ where: { userId, kind: "message", link: LAB_LINK } });
  const { title, body } = texts(previous + 1);
  const [row] = await notify({ userIds: [userId], kind: "message", title, body, link: LAB_LINK });
  return { id: row!.id, sentAt: row!.createdAt };
}
