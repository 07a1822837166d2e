// "Not for the tab the user is acting in": a notification that arrives because of something the user
// just did in this tab (today: the lab's "Send me a test notification") must not pop up a toast
// here. The action begins before its request; while any is pending, arrivals are held, since the
// live event can come before the response. When it ends with the id it created, that notification
// is dropped (now or whenever it arrives) and the held others are released. Per tab: other tabs
// show it as usual.

const SUPPRESS_MS = 5 * 60_000;
export const HOLD_MAX_MS = 10_000;

export type OwnAction = { end(id: string | null): void };

export class OwnActions<T> {
  private readonly pending = new Set<object>();
  private held: Array<{ id: string; value: T }> = [];
  private readonly suppressed = new Map<string, number>();
  private holdTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Receives arrivals that are not the user's own, in order. */
    private readonly release: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an own action; `end(id)` with the notification it created (or null). Later calls are no-ops. */
  begin(): OwnAction {
    const token = {};
    this.pending.add(token);
    this.holdTimer ??= setTimeout(() => this.flush(true), HOLD_MAX_MS);
    return {
      end: (id) => {
        if (id) this.suppressed.set(id, this.now() + SUPPRESS_MS);
        if (this.pending.delete(token) && this.pending.size === 0) this.flush(false);
        else if (id) this.held = this.held.filter((h) => h.id !== id);
      },
    };
  }

  /** An arriving notification: released now, held, or dropped as the user's own. */
  arrive(id: string, value: T): void {
    if (this.isOwn(id)) return;
    if (this.pending.size > 0) this.held.push({ id, value });
    else this.release(value);
  }

  /** Stops holding (unmount): drops what is held and forgets pending actions. */
  dispose(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.pending.clear();
    this.held = [];
  }

  private isOwn(id: string): boolean {
    const now = this.now();
    for (const [k, until] of this.suppressed) if (until <= now) this.suppressed.delete(k);
    return this.suppressed.has(id);
  }

  /** Releases what is held: every action ended, or one took too long to hold the others back. */
  private flush(timedOut: boolean): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (timedOut) this.pending.clear();
    for (const { id, value } of this.held.splice(0)) if (!this.isOwn(id)) this.release(value);
  }
}

// The tab's toaster registers its instance; actions started elsewhere in the tab go through it.
let current: OwnActions<unknown> | null = null;

export function registerOwnActions<T>(instance: OwnActions<T>): () => void {
  current = instance as OwnActions<unknown>;
  return () => {
    if (current === (instance as OwnActions<unknown>)) current = null;
  };
}

/** Marks a request the user makes in this tab that creates a notification for them. */
export function beginOwnAction(): OwnAction {
  return current?.begin() ?? { end: () => undefined };
}
