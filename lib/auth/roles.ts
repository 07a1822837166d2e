import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { sql } from "@/lib/db/client";

/** The role as the database has it now (a session's role may predate a promotion or demotion). */
export async function hasAdminRole(userId: string): Promise<boolean> {
  // Every admin request asks: one hand-written statement (decision 011).
  const [row] = await sql.query<{ role: string }>(Prisma.sql`SELECT role FROM "User" WHERE id = ${userId}`);
  return row?.role === "admin";
}
