import "server-only";
import { db } from "@/lib/db/client";

/** The role as the database has it now (a session's role may predate a promotion or demotion). */
export async function hasAdminRole(userId: string): Promise<boolean> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  return row?.role === "admin";
}
