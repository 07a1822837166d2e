import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime";
import { parseRecipientIds } from "./schemas";

/**
 * Withdraws an announcement: its rows leave every inbox (they cascade with it), and every recipient's
 * connections get the corrected count live. A scheduled one that has not gone out never will.
 */
export async function withdrawAnnouncement(id: string): Promise<void> {
  const row = await db.announcement.findUnique({
    where: { id },
    select: { recipientIds: true, audienceType: true, audienceRole: true, publishedAt: true },
  });
  if (!row) throw new AppError("not_found", "No such announcement.");
  const deleted = await db.announcement.deleteMany({ where: { id } });
  if (deleted.count === 0) throw new AppError("not_found", "No such announcement.");
  // A scheduled one that never went out is in nobody's inbox: nobody needs telling.
  if (row.publishedAt === null) return;
  if (row.audienceType === "users") hub.publish(parseRecipientIds(row.recipientIds));
  else hub.publishAudience(row.audienceType === "role" ? row.audienceRole : null);
}
