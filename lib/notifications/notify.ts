import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { sql } from "@/lib/db/client";
import { hub } from "@/lib/realtime";
import { toDto, type NotificationDto, type NotificationKind } from "./dto";
import { fromRawRow, type RawRow } from "./queries";
import { SEQ_LOCK } from "./seq-order";

export type NotifyInput = {
  userIds: readonly string[];
  kind: NotificationKind;
  title: string;
  body: string;
  link?: string | null;
  announcementId?: string;
};

/**
 * The one entry point every producer of personal notifications uses (admin messages, backends):
 * writes one row per recipient in a single INSERT … RETURNING on the driver (decision 012), in seq
 * order (decision 010), then tells the hub. Returns rows in seq order, which is recipient order.
 * Ids are random UUIDs: like Prisma's cuid() default, opaque, unique and URL-safe.
 */
export async function notify(input: NotifyInput): Promise<NotificationDto[]> {
  if (input.userIds.length === 0) return [];
  const at = new Date();
  const values = input.userIds.map(
    (userId) =>
      Prisma.sql`(${randomUUID()}, ${userId}, ${input.kind}, ${input.title}, ${input.body}, ${input.link ?? null}, ${at}, ${input.announcementId ?? null})`,
  );
  const rows = await sql.write<RawRow>(
    Prisma.sql`
      INSERT INTO "Notification" (id, "userId", kind, title, body, link, "createdAt", "announcementId")
      VALUES ${Prisma.join(values)}
      RETURNING seq, id, kind, title, body, link, "createdAt", "readAt"`,
    { lock: SEQ_LOCK },
  );
  hub.publish(input.userIds);
  return rows
    .map(fromRawRow)
    .sort((a, b) => a.seq - b.seq)
    .map(toDto);
}
