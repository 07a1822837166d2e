import "server-only";
import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { requirePageUser } from "./page-session";
import type { SessionUser } from "./session-token";

/** The role as the database has it now (a session's role may predate a promotion or demotion). */
export async function hasAdminRole(userId: string): Promise<boolean> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  return row?.role === "admin";
}

/** For admin pages: anonymous → /login (coming back here); signed in but not an admin → /inbox. */
export async function requirePageAdmin(path: string): Promise<SessionUser> {
  const user = await requirePageUser(path);
  if (!(await hasAdminRole(user.id))) redirect("/inbox");
  return { ...user, role: "admin" };
}
