// A snapshot React reads with useSyncExternalStore, plus a stream of live events: what the
// connection manager (live.ts) and the tab layer over it (tabs.ts) both expose.
import type { UnreadEvent } from "@/lib/notifications/dto";

export type LiveListener = (event: UnreadEvent) => void;

export class LiveStore<S extends object> {
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<LiveListener>();

  constructor(protected snapshot: S) {}

  getSnapshot = (): S => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  onEvent(listener: LiveListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  protected set(patch: Partial<S>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.stateListeners) l();
  }

  protected emit(event: UnreadEvent): void {
    for (const l of this.eventListeners) l(event);
  }
}
