import "server-only";
import { type ApiKeyPrincipal, apiKeyLimiter, authenticateApiKey } from "@/lib/api-keys/api-keys";
import { hasAdminRole } from "@/lib/auth/roles";
import { type SessionUser, userFromCookieHeader } from "@/lib/auth/session-token";
import { AppError, errorResponse } from "./errors";
import { originAllowed } from "./origin";
import { consumeOrThrow } from "./rate-limit";

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
  if (!(await hasAdminRole(user.id))) throw new AppError("forbidden", "This needs an administrator.");
  return { ...user, role: "admin" };
}

/**
 * A backend's `Authorization: Bearer <api key>` (no cookies), then one point of that key's rate
 * limit. 401 carries `WWW-Authenticate: Bearer` (RFC 6750).
 */
export async function requireApiKey(req: Request): Promise<ApiKeyPrincipal> {
  const header = req.headers.get("authorization");
  const key = await authenticateApiKey(header);
  if (!key) {
    const challenge = header ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"';
    throw new AppError("unauthenticated", "A valid API key is required (Authorization: Bearer <key>).", {
      headers: { "WWW-Authenticate": challenge },
    });
  }
  await consumeOrThrow(apiKeyLimiter(), key.id);
  return key;
}

function wrap<P, U>(auth: (req: Request) => Promise<U>, handler: Handler<P, U>, opts: { sameOrigin: boolean } = { sameOrigin: true }) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      if (opts.sameOrigin) assertSameOrigin(req);
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
/** Server-to-server: bearer API key, no cookie and so no same-origin check. */
export const withApiKey = <P = Record<string, never>>(handler: Handler<P, ApiKeyPrincipal>) =>
  wrap(requireApiKey, handler, { sameOrigin: false });
