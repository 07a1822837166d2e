import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { findRecipients } from "@/lib/notifications/recipients";
import { audienceSize, createPublished } from "./publish";
import type { Audience, createAnnouncementSchema } from "./schemas";

export type CreatedAnnouncement = {
  id: string;
  audience: z.infer<typeof createAnnouncementSchema>["audience"];
  publishAt: string;
  recipientCount: number;
};

/**
 * Records what the admin sent; publishes it now or leaves it to the scheduler. Listed users get a
 * row each; an announcement to everyone or to a role is stored once (fan-out on read, decision 007).
 */
export async function createAnnouncement(
  adminId: string,
  input: z.infer<typeof createAnnouncementSchema>,
): Promise<CreatedAnnouncement> {
  const { audience } = input;
  let recipientIds: string[] = [];
  let shownAudience: Audience = audience;
  if (audience.type === "users") {
    const emails = [...new Set(audience.emails)];
    const users = await findRecipients(emails);
    const found = new Map(users.map((u) => [u.email, u.id]));
    const unknown = emails.filter((e) => !found.has(e));
    if (unknown.length) {
      throw new AppError("validation_failed", `Unknown recipients: ${unknown.join(", ")}`, {
        fields: { "audience.emails": `Unknown: ${unknown.join(", ")}` },
      });
    }
    recipientIds = emails.map((e) => found.get(e) as string);
    shownAudience = { type: "users", emails };
  }
  const now = new Date();
  const requested = input.publishAt ? new Date(input.publishAt) : now;
  const data = {
    title: input.title,
    body: input.body,
    link: input.link ?? null,
    audienceType: audience.type,
    audienceRole: audience.type === "role" ? audience.role : null,
    createdById: adminId,
    recipientIds: JSON.stringify(recipientIds),
    // Listed users are known now; everyone or a role is counted as it is published.
    recipientCount: recipientIds.length,
  };
  if (requested <= now) {
    // Sent now: written and published in one transaction, its audience counted as it is published.
    const { id, publishAt, recipientCount } = await createPublished(data);
    return { id, audience: shownAudience, publishAt: publishAt.toISOString(), recipientCount };
  }
  const row = await db.announcement.create({
    data: {
      ...data,
      publishAt: requested,
      // For everyone or a role an estimate until the scheduler counts it.
      recipientCount:
        audience.type === "users" ? recipientIds.length : await audienceSize(audience.type === "role" ? audience.role : null, now),
    },
    select: { id: true, publishAt: true, recipientCount: true },
  });
  return { id: row.id, audience: shownAudience, publishAt: row.publishAt.toISOString(), recipientCount: row.recipientCount };
}
