// What a live transport reads from Node's request before it connects to the hub: the session user (from
// the cookie header) and the cursor to resume from. Shared by the SSE and long-poll adapter (http.ts)
// and the WebSocket handshake (ws.ts). No `server-only` marker: server.ts runs outside Next's bundler.
import type { IncomingMessage } from "node:http";
import { type SessionUser, userFromCookieHeader } from "@/lib/auth/session-token";
import { AppError } from "@/lib/http/errors";
import { cursorParam } from "@/lib/notifications/cursor";

const optionalCursor = cursorParam.optional();

/** A request header's value (the first, when it is repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The signed-in user; 401 `unauthenticated` without a valid session cookie. */
export async function requireUser(req: IncomingMessage): Promise<SessionUser> {
  const user = await userFromCookieHeader(header(req, "cookie"));
  if (!user) throw new AppError("unauthenticated");
  return user;
}

/**
 * The cursor to resume from (`?cursor=`; with `lastEventId`, the Last-Event-ID header EventSource sets
 * on reconnect wins over it), null for none; 400 `invalid_request` naming `cursor` for one this server
 * never issued.
 */
export function resumeCursor(req: IncomingMessage, opts: { lastEventId?: boolean } = {}): number | null {
  const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("cursor");
  const raw = (opts.lastEventId && header(req, "last-event-id")) || query || undefined;
  const parsed = optionalCursor.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("invalid_request", "The cursor is not one this server issued.", {
      fields: { cursor: parsed.error.issues[0]!.message },
    });
  }
  return parsed.data ?? null;
}

/** The session user and the cursor to resume from: 401 before anything else, then 400 for a bad cursor. */
export async function liveRequest(req: IncomingMessage, opts: { lastEventId?: boolean } = {}): Promise<{ user: SessionUser; cursor: number | null }> {
  const user = await requireUser(req);
  return { user, cursor: resumeCursor(req, opts) };
}
