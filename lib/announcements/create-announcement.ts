import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { createAnnouncementSchema } from "./schemas";
import { publishDue } from "./publish";

export type CreatedAnnouncement = {
  id: string;
  audience: z.infer<typeof createAnnouncementSchema>["audience"];
  publishAt: string;
  recipientCount: number;
};

/**
 * Records what the admin sent; publishes it now or leaves it to the scheduler.
 * This version delivers to listed users; "all" and "role" audiences arrive with fan-out on read.
 */
export async function createAnnouncement(
  adminId: string,
  input: z.infer<typeof createAnnouncementSchema>,
): Promise<CreatedAnnouncement> {
  const { audience } = input;
  if (audience.type !== "users") {
    throw new AppError("validation_failed", undefined, {
      fields: { "audience.type": "Only the \"users\" audience is available in this version." },
    });
  }
  const emails = [...new Set(audience.emails)];
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  const found = new Map(users.map((u) => [u.email, u.id]));
  const unknown = emails.filter((e) => !found.has(e));
  if (unknown.length) {
    throw new AppError("validation_failed", `Unknown recipients: ${unknown.join(", ")}`, {
      fields: { "audience.emails": `Unknown: ${unknown.join(", ")}` },
    });
  }
  const now = new Date();
  const publishAt = input.publishAt ? new Date(input.publishAt) : now;
  const recipientIds = emails.map((e) => found.get(e) as string);
  const row = await db.announcement.create({
    data: {
      title: input.title,
      body: input.body,
      link: input.link ?? null,
      audienceType: "users",
      createdById: adminId,
      publishAt: publishAt < now ? now : publishAt,
      recipientIds: JSON.stringify(recipientIds),
      recipientCount: recipientIds.length,
    },
    select: { id: true, publishAt: true, recipientCount: true },
  });
  if (row.publishAt <= now) await publishDue(now);
  return {
    id: row.id,
    audience: { type: "users", emails },
    publishAt: row.publishAt.toISOString(),
    recipientCount: row.recipientCount,
  };
}
