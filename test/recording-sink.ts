// A hub Sink that records what it is sent: the hub's and the Redis bus's unit tests.
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { Sink } from "@/lib/realtime/hub";

export class RecordingSink implements Sink {
  events: UnreadEvent[] = [];
  closed = 0;
  send(event: UnreadEvent): void {
    this.events.push(event);
  }
  close(): void {
    this.closed++;
  }
  notificationIds(): string[] {
    return this.events.flatMap((e) => (e.notification ? [e.notification.id] : []));
  }
  get last(): UnreadEvent | undefined {
    return this.events.at(-1);
  }
}
