import "server-only";
import { type SessionUser, userFromCookieHeader } from "@/lib/auth/session-token";
import { db } from "@/lib/db/client";
import { AppError, errorResponse } from "./errors";
import { originAllowed } from "./origin";

type RouteContext<P> = { params: Promise<P> };
type Handler<P, U> = (ctx: { req: Request; params: P; user: U }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A cookie-authenticated mutation must come from our own origin (or one listed in ALLOWED_ORIGINS). */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (!originAllowed((name) => req.headers.get(name))) throw new AppError("forbidden", "Cross-site requests are refused.");
}

export async function requireUser(req: Request): Promise<SessionUser> {
  const user = await userFromCookieHeader(req.headers.get("cookie"));
  if (!user) throw new AppError("unauthenticated");
  return user;
}

/** Admin rights are read from the database, so a demoted admin loses them at once. */
export async function requireAdmin(req: Request): Promise<SessionUser> {
  const user = await requireUser(req);
  const row = await db.user.findUnique({ where: { id: user.id }, select: { role: true } });
  if (row?.role !== "admin") throw new AppError("forbidden", "This needs an administrator.");
  return { ...user, role: "admin" };
}

function wrap<P, U>(auth: (req: Request) => Promise<U>, handler: Handler<P, U>) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const user = await auth(req);
      return await handler({ req, params: await context.params, user });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** auth → parse → domain verb → JSON: every route handler is one of these. */
export const withUser = <P = Record<string, never>>(handler: Handler<P, SessionUser>) => wrap(requireUser, handler);
export const withAdmin = <P = Record<string, never>>(handler: Handler<P, SessionUser>) => wrap(requireAdmin, handler);
export const withPublic = <P = Record<string, never>>(handler: Handler<P, null>) =>
  wrap(async () => null, handler);
