// SSE and long-polling on Node's own response, served by server.ts before Next sees the request:
// a Next route handler held ~75 KiB per open stream in its per-request machinery, a Node response
// ~5 KiB (docs/decisions/009-lean-stream-path.md). The protocols stay in sse.ts and poll.ts; this is
// only their adapter to node:http. No `server-only` marker: server.ts runs outside Next's bundler.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseQuery } from "@/lib/http/body";
import { toAppError } from "@/lib/http/errors";
import { writeError } from "@/lib/http/node-errors";
import { eventJson } from "../encode";
import type { Hub } from "../hub";
import { admitLive, startedHub } from "./admission";
import { longPoll, pollQuerySchema } from "./poll";
import { liveRequest, requireUser } from "./request";
import { openSse, SSE_HEADERS } from "./sse";

export const SSE_PATH = "/api/realtime/sse";
export const POLL_PATH = "/api/realtime/poll";

type Options = {
  /** The process's hub; undefined until Next has started. */
  hub: () => Hub | undefined;
};

export function createHttpEndpoints(opts: Options) {
  async function sse(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { user, cursor } = await liveRequest(req, { lastEventId: true });
    const hub = startedHub(opts.hub());
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
    const hub = startedHub(opts.hub());
    if (res.destroyed) return;
    const abort = new AbortController();
    let held = true;
    // "close" also follows our own answer: abort only a poll still held. An abort makes a DOMException
    // (with its stack trace) and dispatches an event: when a broadcast answered 10,000 polls at once,
    // aborting after every answer took ~17 % of the server's CPU, with the garbage it left.
    res.once("close", () => held && abort.abort());
    let answer: Awaited<ReturnType<typeof longPoll>>;
    try {
      answer = await longPoll(hub, user.id, query, abort.signal, user.role);
    } finally {
      held = false;
    }
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
