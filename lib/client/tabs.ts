// One live connection per browser: the tabs of one user elect a leader; the leader runs the
// connection manager and shares its state and events over a BroadcastChannel. The election uses
// the Web Locks API where the page has it (secure contexts: https, localhost): when the leader tab
// closes, the browser hands the lock to the next tab at once. On plain http, where Web Locks do not
// exist, the tabs elect over the same BroadcastChannel with heartbeats. Without BroadcastChannel
// every tab runs its own connection.
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { LiveClient, LiveSnapshot } from "./live";
import { LiveStore } from "./store";
import type { Preference } from "./transports";

export type TabRole = "leader" | "follower" | "solo";
export type SharedSnapshot = LiveSnapshot & { role: TabRole };

/** What SharedLive needs of the connection manager (a fake in unit tests). */
export type LiveLike = Pick<LiveClient, "getSnapshot" | "subscribe" | "onEvent" | "seed" | "setCount" | "setPreference" | "start" | "stop">;

type Msg =
  | { t: "hello" }
  | { t: "state"; snapshot: LiveSnapshot }
  | { t: "event"; event: UnreadEvent }
  | { t: "count"; unreadCount: number; askedAt: number }
  | { t: "pref"; preference: Preference }
  // The heartbeat election (no Web Locks):
  | { t: "hb"; id: string }
  | { t: "claim"; id: string }
  | { t: "bye"; id: string };

type LockManagerLike = {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
};

function lockManager(): LockManagerLike | null {
  if (typeof navigator === "undefined") return null;
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  return locks ?? null;
}

export type ElectionTiming = {
  /** The leader's heartbeat period. */
  heartbeatMs: number;
  /** No heartbeat for this long: the leader is gone. */
  leaderTimeoutMs: number;
  /** A candidate waits this long for rival claims (the smallest id wins). */
  claimWaitMs: number;
  /** A new tab waits this long for a leader to answer its hello before it claims. */
  helloWaitMs: number;
};

const DEFAULT_TIMING: ElectionTiming = { heartbeatMs: 500, leaderTimeoutMs: 1600, claimWaitMs: 250, helloWaitMs: 300 };

type Options = {
  /** Force the heartbeat election even where Web Locks exist (tests). */
  heartbeatElection?: boolean;
  timing?: Partial<ElectionTiming>;
};

function randomId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class SharedLive extends LiveStore<SharedSnapshot> {
  private client: LiveLike | null = null;
  private channel: BroadcastChannel | null = null;
  private release: (() => void) | null = null;
  private waiting: AbortController | null = null;
  private unhook: Array<() => void> = [];
  private started = false;
  private lastEmitted = -1;
  /** When (Date.now(), shared by every tab of the machine) the count or cursor last changed live. */
  private lastChangeAt = 0;
  // Heartbeat election state.
  private readonly id = randomId();
  private readonly timing: ElectionTiming;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private claimTimer: ReturnType<typeof setTimeout> | null = null;
  private lastHeartbeat = 0;
  private lastBeat = 0;
  private candidate: { best: string } | null = null;
  private heartbeatMode = false;

  constructor(
    private readonly key: string,
    private readonly makeClient: (preference: Preference) => LiveLike,
    preference: Preference,
    private readonly opts: Options = {},
  ) {
    super({ status: "connecting", unreadCount: null, cursor: null, transport: null, preference, role: "follower" });
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const name = `notif-live:${this.key}`;
    this.channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(name);
    if (!this.channel) return this.lead("solo");
    this.channel.onmessage = (m: MessageEvent<Msg>) => this.onMessage(m.data);
    const locks = this.opts.heartbeatElection ? null : lockManager();
    if (locks) {
      this.waiting = new AbortController();
      locks
        .request(name, { signal: this.waiting.signal }, () => {
          this.waiting = null;
          if (!this.started) return Promise.resolve();
          return new Promise<void>((resolve) => {
            this.release = resolve;
            this.lead("leader");
          });
        })
        .catch(() => undefined); // aborted while waiting: the tab went away
    } else {
      this.startHeartbeatElection();
    }
    this.post({ t: "hello" });
  }

  stop(): void {
    if (this.heartbeatMode && this.client) this.post({ t: "bye", id: this.id });
    this.started = false;
    this.stopHeartbeatElection();
    this.unlead();
    this.waiting?.abort();
    this.waiting = null;
    this.release?.();
    this.release = null;
    this.channel?.close();
    this.channel = null;
  }

  /** True when nothing changed live since `askedAt`: a response to a request sent then is current. */
  freshSince(askedAt: number): boolean {
    return askedAt >= this.lastChangeAt;
  }

  /**
   * A count the server returned to a request sent at `askedAt`. A live change that arrived after
   * the request was sent is newer than the answer, so the answer is dropped.
   */
  setCount(unreadCount: number, askedAt: number): void {
    if (!this.freshSince(askedAt)) return;
    this.set({ unreadCount });
    if (this.client) this.client.setCount(unreadCount);
    else this.post({ t: "count", unreadCount, askedAt });
  }

  setPreference(preference: Preference): void {
    this.set({ preference });
    if (this.client) this.client.setPreference(preference);
    else this.post({ t: "pref", preference });
  }

  protected override set(patch: Partial<SharedSnapshot>): void {
    const changed =
      (patch.unreadCount !== undefined && patch.unreadCount !== this.snapshot.unreadCount) ||
      (patch.cursor !== undefined && patch.cursor !== this.snapshot.cursor);
    if (changed) this.lastChangeAt = Date.now();
    super.set(patch);
  }

  private post(msg: Msg): void {
    this.channel?.postMessage(msg);
  }

  /**
   * Emits each notification once: around a leader handover the old leader's last messages and the
   * new leader's replay from its cursor can overlap. Cursors increase, so an older one is a repeat.
   */
  private emitOnce(event: UnreadEvent): boolean {
    if (event.notification) {
      const seq = Number(event.cursor);
      if (Number.isFinite(seq) && seq <= this.lastEmitted) return false;
      if (Number.isFinite(seq)) this.lastEmitted = seq;
    }
    this.emit(event);
    return true;
  }

  /** This tab holds the connection, resuming from what it already heard. */
  private lead(role: "leader" | "solo"): void {
    if (this.client) return;
    const client = this.makeClient(this.snapshot.preference);
    this.client = client;
    client.seed({ cursor: this.snapshot.cursor, unreadCount: this.snapshot.unreadCount });
    this.unhook.push(
      client.subscribe(() => {
        const s = client.getSnapshot();
        this.set({ ...s, role });
        this.post({ t: "state", snapshot: s });
      }),
      client.onEvent((event) => {
        if (this.emitOnce(event)) this.post({ t: "event", event });
      }),
    );
    this.set({ role });
    client.start();
  }

  /** Gives the connection up (stop, or another tab won the election). */
  private unlead(): void {
    for (const u of this.unhook.splice(0)) u();
    this.client?.stop();
    this.client = null;
  }

  private onMessage(msg: Msg): void {
    switch (msg.t) {
      case "hello":
        if (this.client) this.post({ t: "state", snapshot: this.client.getSnapshot() });
        if (this.client && this.heartbeatMode) this.post({ t: "hb", id: this.id });
        return;
      case "state":
        if (!this.client) this.set({ ...msg.snapshot, role: "follower" });
        return;
      case "event":
        if (!this.client) this.emitOnce(msg.event);
        return;
      case "count":
        if (!this.freshSince(msg.askedAt)) return;
        this.set({ unreadCount: msg.unreadCount });
        this.client?.setCount(msg.unreadCount);
        return;
      case "pref":
        this.set({ preference: msg.preference });
        this.client?.setPreference(msg.preference);
        return;
      case "hb":
        return this.onHeartbeat(msg.id);
      case "claim":
        return this.onClaim(msg.id);
      case "bye":
        // The leader is leaving: elect at once (a small random delay spreads the claims).
        if (!this.client && this.heartbeatMode) {
          this.lastHeartbeat = 0;
          setTimeout(() => this.tick(), Math.random() * 50);
        }
        return;
    }
  }

  // ── The heartbeat election (no Web Locks) ──

  private startHeartbeatElection(): void {
    this.heartbeatMode = true;
    // Wait a moment for an existing leader to answer the hello, then claim.
    this.lastHeartbeat = Date.now() - this.timing.leaderTimeoutMs + this.timing.helloWaitMs;
    this.ticker = setInterval(() => this.tick(), Math.min(this.timing.heartbeatMs, this.timing.helloWaitMs));
    if (typeof window !== "undefined") window.addEventListener("pagehide", this.onPageHide);
  }

  private stopHeartbeatElection(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.claimTimer) clearTimeout(this.claimTimer);
    this.ticker = this.claimTimer = null;
    this.candidate = null;
    if (typeof window !== "undefined") window.removeEventListener("pagehide", this.onPageHide);
  }

  private onPageHide = (): void => {
    if (this.client) this.post({ t: "bye", id: this.id });
  };

  private tick(): void {
    if (!this.started || !this.heartbeatMode) return;
    const now = Date.now();
    if (this.client) {
      if (now - this.lastBeat >= this.timing.heartbeatMs) {
        this.lastBeat = now;
        this.post({ t: "hb", id: this.id });
      }
      return;
    }
    if (this.candidate || now - this.lastHeartbeat < this.timing.leaderTimeoutMs) return;
    // No leader: stand, and let the smallest id among the candidates win.
    this.candidate = { best: this.id };
    this.post({ t: "claim", id: this.id });
    this.claimTimer = setTimeout(() => {
      this.claimTimer = null;
      const won = this.candidate?.best === this.id;
      this.candidate = null;
      if (!won || !this.started) return;
      this.lead("leader");
      this.lastBeat = Date.now();
      this.post({ t: "hb", id: this.id });
    }, this.timing.claimWaitMs);
  }

  private onHeartbeat(from: string): void {
    if (!this.heartbeatMode) return;
    if (this.client) {
      // Two leaders (a race, or a frozen tab woke up): the smaller id keeps the connection.
      if (from < this.id) {
        this.unlead();
        this.set({ role: "follower" });
        this.lastHeartbeat = Date.now();
      } else {
        this.post({ t: "hb", id: this.id });
      }
      return;
    }
    this.lastHeartbeat = Date.now();
    this.candidate = null;
    if (this.claimTimer) clearTimeout(this.claimTimer);
    this.claimTimer = null;
  }

  private onClaim(from: string): void {
    if (!this.heartbeatMode) return;
    if (this.client) {
      this.post({ t: "hb", id: this.id }); // there is a leader: me
      return;
    }
    if (this.candidate && from < this.candidate.best) this.candidate.best = from;
  }
}
