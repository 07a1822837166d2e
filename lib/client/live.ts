"use client";
// The browser side of live updates: one EventSource, resumed from the last cursor, reconnected
// with jittered exponential backoff. The count shown is always the last one the server sent.
import type { UnreadEvent } from "@/lib/notifications/dto";
import { unreadEventSchema } from "@/lib/notifications/payload-schema";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";
export type LiveSnapshot = { status: LiveStatus; unreadCount: number | null; cursor: string | null };
export type LiveListener = (event: UnreadEvent) => void;

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export class LiveClient {
  private snapshot: LiveSnapshot = { status: "connecting", unreadCount: null, cursor: null };
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<LiveListener>();
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;

  constructor(private readonly url = "/api/realtime/sse") {}

  getSnapshot = (): LiveSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  onEvent(listener: LiveListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** A count the server returned to an action in this tab (same source of truth, just sooner). */
  setCount(unreadCount: number): void {
    this.set({ unreadCount });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener("online", this.reconnectNow);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.reconnectNow);
    this.clearRetry();
    this.source?.close();
    this.source = null;
  }

  private set(patch: Partial<LiveSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.stateListeners) l();
  }

  private open(): void {
    this.clearRetry();
    const cursor = this.snapshot.cursor;
    const es = new EventSource(cursor ? `${this.url}?cursor=${encodeURIComponent(cursor)}` : this.url);
    this.source = es;
    es.addEventListener("unread", (e) => this.receive((e as MessageEvent<string>).data));
    es.onerror = () => {
      // Take reconnection into our own hands: backoff, and the cursor we hold.
      es.close();
      if (this.source === es) this.source = null;
      this.scheduleRetry();
    };
  }

  private receive(data: string): void {
    let parsed: UnreadEvent;
    try {
      parsed = unreadEventSchema.parse(JSON.parse(data));
    } catch (e) {
      console.error("[live] malformed event; reconnecting", e);
      this.source?.close();
      this.source = null;
      this.scheduleRetry();
      return;
    }
    this.attempt = 0;
    this.set({ status: "live", unreadCount: parsed.unreadCount, cursor: parsed.cursor });
    for (const l of this.eventListeners) l(parsed);
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.set({ status: navigator.onLine === false ? "offline" : "reconnecting" });
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.checkSignedIn().then((ok) => {
        if (ok) this.open();
      });
    }, delay);
  }

  /** EventSource cannot see a 401; ask once, and send a signed-out user to the login page. */
  private async checkSignedIn(): Promise<boolean> {
    if (this.attempt < 2) return true;
    try {
      const res = await fetch("/api/notifications/unread-count", { cache: "no-store" });
      if (res.status === 401) {
        window.location.assign(`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
        return false;
      }
    } catch {
      // network down: keep retrying
    }
    return true;
  }

  private reconnectNow = (): void => {
    if (this.stopped || this.source) return;
    this.attempt = 0;
    this.open();
  };

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

