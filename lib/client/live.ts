// The connection manager: holds at most one live connection, picks the transport, degrades when
// one does not deliver (a buffering proxy, a blocked upgrade), retries the better one later, and
// always resumes from the last cursor so nothing is lost or repeated across a switch.
import type { UnreadEvent } from "@/lib/notifications/dto";
import { LiveStore } from "./store";
import { type Connection, type EndReason, OPENERS, type Opener, type Preference, type Transport } from "./transports";

export type { LiveListener } from "./store";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";
export type LiveSnapshot = {
  status: LiveStatus;
  unreadCount: number | null;
  cursor: string | null;
  transport: Transport | null;
  preference: Preference;
};

export const FIRST_EVENT_TIMEOUT_MS = 4000;
const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const UPGRADE_AFTER_MS = 30_000;
const MAX_UPGRADE_AFTER_MS = 5 * 60_000;
/** A transport that worked but then fails this many times in a row without delivering is given up. */
const FAILURES_BEFORE_DEGRADING = 3;

export type LiveOptions = {
  preference?: Preference;
  /** The automatic order when the preference is "auto". */
  autoOrder?: readonly Transport[];
  openers?: Record<Transport, Opener>;
  firstEventTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Called when the server says the session is gone. */
  onUnauthorized?: () => void;
  /** EventSource and WebSocket cannot see a 401: after repeated failures, ask (false = signed out). */
  checkSignedIn?: () => Promise<boolean>;
  random?: () => number;
};

export const DEFAULT_AUTO_ORDER: readonly Transport[] = ["sse", "longpoll", "poll"];
export const WS_FIRST_ORDER: readonly Transport[] = ["ws", "sse", "longpoll", "poll"];

function jitter(base: number, random: () => number): number {
  return base / 2 + random() * (base / 2);
}

export class LiveClient extends LiveStore<LiveSnapshot> {
  private readonly openers: Record<Transport, Opener>;
  private readonly autoOrder: readonly Transport[];
  private conn: Connection | null = null;
  /** Bumped on every open, so callbacks of a closed connection are ignored. */
  private generation = 0;
  private rung = 0;
  private proven = false;
  private failures = 0;
  private attempt = 0;
  private upgradeAfter = UPGRADE_AFTER_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private firstTimer: ReturnType<typeof setTimeout> | null = null;
  private upgradeTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(private readonly opts: LiveOptions = {}) {
    super({ status: "connecting", unreadCount: null, cursor: null, transport: null, preference: opts.preference ?? "auto" });
    this.openers = opts.openers ?? OPENERS;
    this.autoOrder = opts.autoOrder ?? DEFAULT_AUTO_ORDER;
  }

  /** Where to resume from (a tab taking over the connection passes what it already has). */
  seed(state: { cursor: string | null; unreadCount: number | null }): void {
    this.set({ cursor: state.cursor, unreadCount: state.unreadCount });
  }

  /** A count the server returned to an action (same source of truth, just sooner). */
  setCount(unreadCount: number): void {
    this.set({ unreadCount });
  }

  setPreference(preference: Preference): void {
    if (preference === this.snapshot.preference) return;
    this.set({ preference });
    if (this.stopped) return;
    this.rung = 0;
    this.attempt = 0;
    this.upgradeAfter = UPGRADE_AFTER_MS;
    this.open();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== "undefined") window.addEventListener("online", this.reconnectNow);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.reconnectNow);
    this.clearTimers();
    this.closeConn();
  }

  private get ladder(): readonly Transport[] {
    const p = this.snapshot.preference;
    return p === "auto" ? this.autoOrder : [p];
  }

  private closeConn(): void {
    this.generation++;
    this.conn?.close();
    this.conn = null;
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.firstTimer, this.upgradeTimer]) if (t) clearTimeout(t);
    this.retryTimer = this.firstTimer = this.upgradeTimer = null;
  }

  /** Opens the transport on the current rung; never two at once. */
  private open(): void {
    this.clearTimers();
    this.closeConn();
    const ladder = this.ladder;
    this.rung = Math.min(this.rung, ladder.length - 1);
    const transport = ladder[this.rung]!;
    const gen = this.generation;
    const mine = () => gen === this.generation && !this.stopped;
    this.proven = false;
    this.set({ transport, status: this.snapshot.status === "live" ? "reconnecting" : this.snapshot.status });
    this.conn = this.openers[transport](
      { cursor: this.snapshot.cursor, unreadCount: this.snapshot.unreadCount, pollIntervalMs: this.opts.pollIntervalMs },
      {
        alive: () => mine() && this.alive(),
        event: (e) => mine() && this.receive(e),
        ended: (reason) => mine() && this.ended(reason),
      },
    );
    // A transport that says nothing at first is being held back (a buffering proxy): give it up.
    this.firstTimer = setTimeout(() => {
      this.firstTimer = null;
      if (mine() && !this.proven) this.demote();
    }, this.opts.firstEventTimeoutMs ?? FIRST_EVENT_TIMEOUT_MS);
  }

  private alive(): void {
    if (this.proven) return;
    this.proven = true;
    this.failures = 0;
    this.attempt = 0;
    if (this.firstTimer) clearTimeout(this.firstTimer);
    this.firstTimer = null;
    this.set({ status: "live" });
    // The best transport works again: the next fallback starts its back-off afresh.
    if (this.rung === 0) this.upgradeAfter = UPGRADE_AFTER_MS;
    // On a fallback: try the better transport again later.
    if (this.rung > 0 && !this.upgradeTimer) {
      const delay = jitter(this.upgradeAfter, this.random);
      this.upgradeAfter = Math.min(MAX_UPGRADE_AFTER_MS, this.upgradeAfter * 2);
      this.upgradeTimer = setTimeout(() => {
        this.upgradeTimer = null;
        if (this.stopped) return;
        this.rung = 0;
        this.open();
      }, delay);
    }
  }

  private receive(event: UnreadEvent): void {
    this.alive();
    this.set({ unreadCount: event.unreadCount, cursor: event.cursor });
    this.emit(event);
  }

  private ended(reason: EndReason): void {
    this.conn = null;
    this.generation++;
    if (reason === "unauthorized") {
      this.stop();
      this.opts.onUnauthorized?.();
      return;
    }
    if (this.proven) {
      // It worked: a dropped connection (restart, network blip). Same transport again, after a pause.
      this.failures = 1;
      this.retry(false);
    } else if (this.failures > 0 && this.failures < FAILURES_BEFORE_DEGRADING) {
      this.failures++;
      this.retry(false);
    } else {
      this.demote();
    }
  }

  /** The current transport does not work here: the next one at once, or start over after a pause. */
  private demote(): void {
    this.failures = 0;
    if (this.rung < this.ladder.length - 1) {
      this.rung++;
      this.set({ status: "reconnecting" });
      this.open();
    } else {
      this.retry(true);
    }
  }

  private retry(fromTop: boolean): void {
    this.clearTimers();
    this.closeConn();
    if (this.stopped) return;
    const offline = typeof navigator !== "undefined" && navigator.onLine === false;
    this.set({ status: offline ? "offline" : "reconnecting" });
    const delay = jitter(Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt), this.random);
    this.attempt++;
    const probe = this.attempt >= 2 && this.opts.checkSignedIn;
    const go = (signedIn: boolean) => {
      if (this.stopped || this.retryTimer || this.conn) return;
      if (!signedIn) return this.ended("unauthorized");
      if (fromTop) this.rung = 0;
      this.open();
    };
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (probe) void probe().then(go);
      else go(true);
    }, delay);
  }

  private get random(): () => number {
    return this.opts.random ?? Math.random;
  }

  private reconnectNow = (): void => {
    if (this.stopped || (this.conn && this.proven)) return;
    this.attempt = 0;
    this.rung = 0;
    this.open();
  };
}
