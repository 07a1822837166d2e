// The four ways a browser can hear about its inbox, each a thin opener over one payload. The
// connection manager (live.ts) and the lab page use the same openers. Browser-only.
import { z } from "zod";
import type { UnreadEvent } from "@/lib/notifications/dto";
import { unreadEventSchema } from "@/lib/notifications/payload-schema";

export const TRANSPORTS = ["sse", "ws", "longpoll", "poll"] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type Preference = "auto" | Transport;
export const PREFERENCES: readonly Preference[] = ["auto", ...TRANSPORTS];

export type EndReason = "failed" | "unauthorized";

export interface TransportCallbacks {
  /** A valid payload arrived. */
  event(e: UnreadEvent): void;
  /** The transport proved it works end to end (an event arrived, or a poll was answered). */
  alive(): void;
  /** It ended on its own (never called after close()). */
  ended(reason: EndReason): void;
  /** Traffic accounting for the lab: requests made and payload bytes received. */
  traffic?(t: { requests?: number; bytes?: number }): void;
}

export interface OpenOptions {
  cursor: string | null;
  /** The count the client shows (long-polling answers at once when it differs). */
  unreadCount: number | null;
  /** Short polling period. */
  pollIntervalMs?: number;
  /** Long-poll hold time in seconds (1..30). */
  longPollTimeoutS?: number;
}

export type Connection = { close(): void };
export type Opener = (opts: OpenOptions, cb: TransportCallbacks) => Connection;

export const LONG_POLL_TIMEOUT_S = 25;
export const SHORT_POLL_INTERVAL_MS = 10_000;

function parseEvent(data: string): UnreadEvent | null {
  try {
    return unreadEventSchema.parse(JSON.parse(data));
  } catch {
    return null;
  }
}

function withCursor(path: string, cursor: string | null): string {
  return cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : path;
}

/** Server-sent events: the default. */
export const openSse: Opener = (opts, cb) => {
  let closed = false;
  const es = new EventSource(withCursor("/api/realtime/sse", opts.cursor));
  cb.traffic?.({ requests: 1 });
  const end = (reason: EndReason) => {
    if (closed) return;
    closed = true;
    es.close();
    cb.ended(reason);
  };
  es.addEventListener("unread", (e) => {
    const { data, lastEventId } = e as MessageEvent<string>;
    cb.traffic?.({ bytes: `id: ${lastEventId}\nevent: unread\ndata: ${data}\n\n`.length });
    const event = parseEvent(data);
    if (!event) return end("failed");
    cb.event(event);
  });
  // EventSource would reconnect by itself, but from its own Last-Event-ID and on its own schedule:
  // the manager decides instead (cursor, backoff, degradation).
  es.onerror = () => end("failed");
  return {
    close() {
      closed = true;
      es.close();
    },
  };
};

const frameSchema = unreadEventSchema.extend({ type: z.literal("unread") });

/** WebSocket, upgraded by server.ts. */
export const openWs: Opener = (opts, cb) => {
  let closed = false;
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${window.location.host}${withCursor("/api/realtime/ws", opts.cursor)}`);
  cb.traffic?.({ requests: 1 });
  ws.onmessage = (e: MessageEvent<unknown>) => {
    if (typeof e.data !== "string") return;
    cb.traffic?.({ bytes: e.data.length });
    let frame: z.infer<typeof frameSchema>;
    try {
      frame = frameSchema.parse(JSON.parse(e.data));
    } catch {
      closed = true;
      ws.close();
      cb.ended("failed");
      return;
    }
    const { type: _type, ...event } = frame;
    cb.event(event);
  };
  ws.onclose = () => {
    if (closed) return;
    closed = true;
    cb.ended("failed");
  };
  return {
    close() {
      closed = true;
      ws.close();
    },
  };
};

const pollAnswerSchema = z.object({ events: z.array(unreadEventSchema), cursor: z.string() });

/** Long-polling: one held request at a time, resumed from the last cursor. */
export const openLongPoll: Opener = (opts, cb) => {
  let closed = false;
  let ctrl: AbortController | null = null;
  let cursor = opts.cursor;
  let count = opts.unreadCount;
  const hold = opts.longPollTimeoutS ?? LONG_POLL_TIMEOUT_S;

  async function loop(): Promise<void> {
    // The first request holds only a second, so a working path proves itself at once.
    let timeout = 1;
    while (!closed) {
      const q = new URLSearchParams({ timeout: String(timeout) });
      if (cursor) q.set("cursor", cursor);
      if (count !== null) q.set("unread", String(count));
      ctrl = new AbortController();
      let text: string;
      try {
        cb.traffic?.({ requests: 1 });
        const res = await fetch(`/api/realtime/poll?${q}`, { signal: ctrl.signal, cache: "no-store" });
        if (closed) return;
        if (res.status === 401) return end("unauthorized");
        if (!res.ok) return end("failed");
        text = await res.text();
      } catch {
        return end("failed");
      }
      if (closed) return;
      cb.traffic?.({ bytes: text.length });
      let answer: z.infer<typeof pollAnswerSchema>;
      try {
        answer = pollAnswerSchema.parse(JSON.parse(text));
      } catch {
        return end("failed");
      }
      cb.alive();
      for (const e of answer.events) {
        if (closed) return;
        cb.event(e);
        count = e.unreadCount;
      }
      cursor = answer.cursor;
      timeout = hold;
    }
  }
  function end(reason: EndReason): void {
    if (closed) return;
    closed = true;
    cb.ended(reason);
  }
  void loop();
  return {
    close() {
      closed = true;
      ctrl?.abort();
    },
  };
};

const countSchema = z.object({ unreadCount: z.number().int().min(0), cursor: z.string() });

/**
 * Short polling: the count endpoint with ETag/304, the last resort. It carries no notification, so
 * it reports the count against the cursor the client already holds: when a better transport
 * returns, it replays what arrived meanwhile, and nothing is lost.
 */
export const openPoll: Opener = (opts, cb) => {
  let closed = false;
  let etag: string | null = null;
  let held = opts.cursor;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ctrl: AbortController | null = null;
  const every = opts.pollIntervalMs ?? SHORT_POLL_INTERVAL_MS;

  async function tick(): Promise<void> {
    timer = null;
    ctrl = new AbortController();
    try {
      cb.traffic?.({ requests: 1 });
      const res = await fetch("/api/notifications/unread-count", {
        signal: ctrl.signal,
        cache: "no-store",
        headers: etag ? { "If-None-Match": etag } : undefined,
      });
      if (closed) return;
      if (res.status === 401) return end("unauthorized");
      if (res.status === 304) {
        cb.alive();
      } else if (res.ok) {
        const text = await res.text();
        if (closed) return;
        cb.traffic?.({ bytes: text.length });
        const body = countSchema.parse(JSON.parse(text));
        etag = res.headers.get("etag");
        cb.alive();
        held ??= body.cursor;
        cb.event({ unreadCount: body.unreadCount, cursor: held });
      } else {
        return end("failed");
      }
    } catch {
      return end("failed");
    }
    if (!closed) timer = setTimeout(() => void tick(), every);
  }
  function end(reason: EndReason): void {
    if (closed) return;
    closed = true;
    cb.ended(reason);
  }
  void tick();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      ctrl?.abort();
    },
  };
};

export const OPENERS: Record<Transport, Opener> = { sse: openSse, ws: openWs, longpoll: openLongPoll, poll: openPoll };
