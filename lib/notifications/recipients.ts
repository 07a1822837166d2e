import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { sql } from "@/lib/db/client";

/**
 * The accounts among these emails and ids, as id and email: one statement (a producer's every
 * message starts here; decision 011). Emails are compared as stored (the schemas lower-case them).
 */
export async function findRecipients(emails: readonly string[], ids: readonly string[] = []): Promise<Array<{ id: string; email: string }>> {
  const where = [
    ...(emails.length ? [Prisma.sql`email IN (${Prisma.join(emails)})`] : []),
    ...(ids.length ? [Prisma.sql`id IN (${Prisma.join(ids)})`] : []),
  ];
  if (!where.length) return [];
  return sql.query<{ id: string; email: string }>(Prisma.sql`SELECT id, email FROM "User" WHERE ${Prisma.join(where, " OR ")}`);
}
