// The SSE encoding over the hub, served by server.ts on Node's response (transports/http.ts).
// No `server-only` marker: server.ts runs outside Next's bundler.
import type { UnreadEvent } from "@/lib/notifications/dto";
import { processSingleton } from "@/lib/server/singleton";
import type { Hub } from "../hub";

export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

/** Clients wait this long before reconnecting after the stream ends. */
export const RETRY_MS = 2000;
export const HEARTBEAT_MS = 25_000;
/** A stream whose unsent backlog exceeds this is closed rather than allowed to grow memory. */
export const MAX_BACKLOG_BYTES = 1024 * 1024;

export function encodeEvent(event: UnreadEvent): string {
  return `id: ${event.cursor}\nevent: unread\ndata: ${JSON.stringify(event)}\n\n`;
}

type Writer = { write(chunk: string): boolean; end(): void };

/** One interval writes every stream's heartbeat, instead of a timer per connection. */
const heartbeats = processSingleton("sse-heartbeats", () => {
  const writers = new Set<Writer>();
  const timer = setInterval(() => {
    for (const w of writers) w.write(": hb\n\n");
  }, HEARTBEAT_MS);
  timer.unref();
  return writers;
});

/**
 * The SSE encoding over the hub: writes `retry:` at once, then every event the hub sends.
 * `write` returns false when the peer is not keeping up; the stream is then ended.
 */
export function openSse(hub: Hub, userId: string, cursor: number | null, out: Writer, role?: string): { close(): void } {
  let closed = false;
  const writer: Writer = {
    write(chunk) {
      if (closed) return false;
      if (!out.write(chunk)) {
        close();
        return false;
      }
      return true;
    },
    end: () => close(),
  };
  const conn = hub.connect(userId, cursor, "sse", {
    send: (event) => void writer.write(encodeEvent(event)),
    close: () => close(),
  }, role);
  function close() {
    if (closed) return;
    closed = true;
    heartbeats.delete(writer);
    hub.disconnect(conn);
    out.end();
  }
  out.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  heartbeats.add(writer);
  return { close };
}
