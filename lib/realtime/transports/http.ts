// SSE and long-polling on Node's own response, served by server.ts before Next sees the request:
// a Next route handler held ~75 KiB per open stream in its per-request machinery, a Node response
// ~5 KiB (docs/decisions/009-lean-stream-path.md). The protocols stay in sse.ts and poll.ts; this is
// only their adapter to node:http. No `server-only` marker: server.ts runs outside Next's bundler.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { type SessionUser, userFromCookieHeader } from "@/lib/auth/session-token";
import { parseQuery } from "@/lib/http/body";
import { AppError, toAppError } from "@/lib/http/errors";
import { writeError } from "@/lib/http/node-errors";
import { cursorParam } from "@/lib/notifications/cursor";
import { eventJson } from "../encode";
import type { Hub } from "../hub";
import { admitLive } from "./admission";
import { longPoll, pollQuerySchema } from "./poll";
import { openSse, SSE_HEADERS } from "./sse";

export const SSE_PATH = "/api/realtime/sse";
export const POLL_PATH = "/api/realtime/poll";

const optionalCursor = cursorParam.optional();

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function requireUser(req: IncomingMessage): Promise<SessionUser> {
  const user = await userFromCookieHeader(header(req, "cookie"));
  if (!user) throw new AppError("unauthenticated");
  return user;
}

/** Last-Event-ID (set by EventSource on reconnect) wins over ?cursor=. */
function resumeCursor(req: IncomingMessage, url: URL): number | null {
  const raw = header(req, "last-event-id") || url.searchParams.get("cursor") || undefined;
  const parsed = optionalCursor.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("invalid_request", "The cursor is not one this server issued.", {
      fields: { cursor: z.prettifyError(parsed.error) },
    });
  }
  return parsed.data ?? null;
}

type Options = {
  /** The process's hub; undefined until Next has started. */
  hub: () => Hub | undefined;
};

export function createHttpEndpoints(opts: Options) {
  function liveHub(): Hub {
    const hub = opts.hub();
    if (!hub) throw new AppError("unavailable", "The server is still starting.", { headers: { "Retry-After": "5" } });
    return hub;
  }

  async function sse(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const user = await requireUser(req);
    const cursor = resumeCursor(req, url);
    const hub = liveHub();
    admitLive(hub, user.id);
    if (res.destroyed) return; // gone while its session was decoded
    res.writeHead(200, SSE_HEADERS);
    const stream = openSse(hub, user.id, cursor, res, user.role);
    // "close" fires once, for an end of ours and a client gone alike.
    res.once("close", stream.close.bind(stream));
  }

  async function poll(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const user = await requireUser(req);
    const query = parseQuery(url, pollQuerySchema);
    const hub = liveHub();
    if (res.destroyed) return;
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const answer = await longPoll(hub, user.id, query, abort.signal, user.role);
    if (res.destroyed) return;
    // `JSON.stringify(answer)`, each event's notification serialized once for all its recipients.
    const body = `{"events":[${answer.events.map((e) => eventJson(e)).join(",")}],"cursor":${JSON.stringify(answer.cursor)}}`;
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      "Cache-Control": "no-store",
    });
    res.end(body);
  }

  return {
    /** Takes a GET of the SSE or long-poll path and answers it; false for anything else (Next's). */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.method !== "GET") return false;
      const path = (req.url ?? "/").split("?")[0];
      const serve = path === SSE_PATH ? sse : path === POLL_PATH ? poll : null;
      if (!serve) return false;
      serve(req, res, new URL(req.url ?? "/", "http://localhost")).catch((e: unknown) => {
        const error = toAppError(e);
        if (res.destroyed) return;
        if (res.headersSent) res.destroy();
        else writeError(res, error);
      });
      return true;
    },
  };
}
