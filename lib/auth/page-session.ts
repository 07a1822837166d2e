import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { type SessionUser, userFromCookieHeader } from "./session-token";

export async function getPageUser(): Promise<SessionUser | null> {
  return userFromCookieHeader((await headers()).get("cookie"));
}

/** For signed-in pages: the user, or a redirect to /login that comes back here. */
export async function requirePageUser(path: string): Promise<SessionUser> {
  const user = await getPageUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}
