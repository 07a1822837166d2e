// The SSE encoding over the hub, served by server.ts on Node's response (transports/http.ts).
// No `server-only` marker: server.ts runs outside Next's bundler.
import type { UnreadEvent } from "@/lib/notifications/dto";
import { processSingleton } from "@/lib/server/singleton";
import { eventJson, sharedFrame } from "../encode";
import type { Connection, Hub, Sink } from "../hub";

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
  return `id: ${event.cursor}\nevent: unread\ndata: ${eventJson(event)}\n\n`;
}

/** Where a stream writes: Node's `ServerResponse` as it is. */
export type SseOut = {
  write(chunk: string | Buffer): unknown;
  end(): unknown;
  /** Bytes accepted but not yet sent to the peer. */
  readonly writableLength: number;
};

/** One interval writes every stream's heartbeat, instead of a timer per connection. */
const heartbeats = processSingleton("sse-heartbeats", () => {
  const streams = new Set<{ write(chunk: string): boolean }>();
  const timer = setInterval(() => {
    for (const s of streams) s.write(": hb\n\n");
  }, HEARTBEAT_MS);
  timer.unref();
  return streams;
});

/**
 * One stream: writes `retry:` at once, then every event the hub sends and the shared heartbeat.
 * A stream whose unsent backlog passes MAX_BACKLOG_BYTES (the peer is not reading) is ended.
 * A class, not closures: thousands are held at once, and its methods are shared by all of them
 * (under tsx each named closure also costs a property dictionary; decision 009).
 */
class SseStream implements Sink {
  private closed = false;
  private readonly conn: Connection;

  constructor(
    private readonly hub: Hub,
    private readonly out: SseOut,
    userId: string,
    cursor: number | null,
    role: string | undefined,
  ) {
    this.conn = hub.connect(userId, cursor, "sse", this, role);
    out.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    heartbeats.add(this);
  }

  send(event: UnreadEvent): void {
    this.write(sharedFrame(event, "sse", encodeEvent));
  }

  /** False once the stream is closed (or closes now for its backlog). */
  write(chunk: string | Buffer): boolean {
    if (this.closed) return false;
    this.out.write(chunk);
    if (this.out.writableLength <= MAX_BACKLOG_BYTES) return true;
    this.close();
    return false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    heartbeats.delete(this);
    this.hub.disconnect(this.conn);
    this.out.end();
  }
}

/** The SSE encoding over the hub, on `out`; `close()` ends it (call it when the client goes away). */
export function openSse(hub: Hub, userId: string, cursor: number | null, out: SseOut, role?: string): { close(): void } {
  return new SseStream(hub, out, userId, cursor, role);
}
