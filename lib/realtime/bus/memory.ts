import type { Bus, BusEvent } from "./types";

/** One process: events go straight to the local hub, after the publisher's current task. */
export class MemoryBus implements Bus {
  private readonly handlers = new Set<(event: BusEvent) => void>();

  publish(event: BusEvent): void {
    queueMicrotask(() => {
      for (const h of this.handlers) h(event);
    });
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  healthy(): boolean {
    return true;
  }

  /** Never changes: there is nothing between instances to lose. */
  onHealthChange(_listener: (healthy: boolean) => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
