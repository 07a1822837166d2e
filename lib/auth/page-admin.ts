import "server-only";
import { redirect } from "next/navigation";
import { requirePageUser } from "./page-session";
import { hasAdminRole } from "./roles";
import type { SessionUser } from "./session-token";

/** For admin pages: anonymous → /login (coming back here); signed in but not an admin → /inbox. */
export async function requirePageAdmin(path: string): Promise<SessionUser> {
  const user = await requirePageUser(path);
  if (!(await hasAdminRole(user.id))) redirect("/inbox");
  return { ...user, role: "admin" };
}
