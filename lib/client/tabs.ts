// One live connection per browser: the tabs of one user elect a leader with the Web Locks API; the
// leader runs the connection manager and shares its state and events over a BroadcastChannel. When
// the leader tab closes, the browser hands the lock to the next tab at once, which resumes from the
// cursor it already heard. Without Web Locks or BroadcastChannel, every tab runs its own connection.
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { LiveClient, LiveListener, LiveSnapshot } from "./live";
import type { Preference } from "./transports";

export type TabRole = "leader" | "follower" | "solo";
export type SharedSnapshot = LiveSnapshot & { role: TabRole };

type Msg =
  | { t: "hello" }
  | { t: "state"; snapshot: LiveSnapshot }
  | { t: "event"; event: UnreadEvent }
  | { t: "count"; unreadCount: number }
  | { t: "pref"; preference: Preference };

type LockManagerLike = {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
};

function lockManager(): LockManagerLike | null {
  if (typeof navigator === "undefined") return null;
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  return locks ?? null;
}

export class SharedLive {
  private snapshot: SharedSnapshot;
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<LiveListener>();
  private client: LiveClient | null = null;
  private channel: BroadcastChannel | null = null;
  private release: (() => void) | null = null;
  private waiting: AbortController | null = null;
  private unhook: Array<() => void> = [];
  private started = false;

  constructor(
    private readonly key: string,
    private readonly makeClient: (preference: Preference) => LiveClient,
    preference: Preference,
  ) {
    this.snapshot = { status: "connecting", unreadCount: null, cursor: null, transport: null, preference, role: "follower" };
  }

  getSnapshot = (): SharedSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  onEvent(listener: LiveListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const name = `notif-live:${this.key}`;
    const locks = lockManager();
    this.channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(name);
    if (!locks || !this.channel) return this.lead("solo");
    this.channel.onmessage = (m: MessageEvent<Msg>) => this.onMessage(m.data);
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
    this.post({ t: "hello" });
  }

  stop(): void {
    this.started = false;
    for (const u of this.unhook.splice(0)) u();
    this.client?.stop();
    this.client = null;
    this.waiting?.abort();
    this.waiting = null;
    this.release?.();
    this.release = null;
    this.channel?.close();
    this.channel = null;
  }

  setCount(unreadCount: number): void {
    this.set({ unreadCount });
    if (this.client) this.client.setCount(unreadCount);
    else this.post({ t: "count", unreadCount });
  }

  setPreference(preference: Preference): void {
    this.set({ preference });
    if (this.client) this.client.setPreference(preference);
    else this.post({ t: "pref", preference });
  }

  private set(patch: Partial<SharedSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.stateListeners) l();
  }

  private post(msg: Msg): void {
    this.channel?.postMessage(msg);
  }

  private emit(event: UnreadEvent): void {
    for (const l of this.eventListeners) l(event);
  }

  /** This tab holds the connection, resuming from what it already heard. */
  private lead(role: "leader" | "solo"): void {
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
        this.post({ t: "event", event });
        this.emit(event);
      }),
    );
    this.set({ role });
    client.start();
  }

  private onMessage(msg: Msg): void {
    switch (msg.t) {
      case "hello":
        if (this.client) this.post({ t: "state", snapshot: this.client.getSnapshot() });
        return;
      case "state":
        if (!this.client) this.set({ ...msg.snapshot, role: "follower" });
        return;
      case "event":
        if (!this.client) this.emit(msg.event);
        return;
      case "count":
        this.set({ unreadCount: msg.unreadCount });
        this.client?.setCount(msg.unreadCount);
        return;
      case "pref":
        this.set({ preference: msg.preference });
        this.client?.setPreference(msg.preference);
        return;
    }
  }
}
