import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime";

export async function removeNotification(userId: string, id: string): Promise<void> {
  const { count } = await db.notification.deleteMany({ where: { id, userId } });
  if (count === 0) throw new AppError("not_found", "No such notification.");
  hub.publish([userId]);
}
