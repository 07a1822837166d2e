import type { NotificationRow } from "@/lib/notifications/dto";

/**
 * What travels between instances: only "these inboxes changed", or "every inbox of this audience
 * changed" (a broadcast announcement; `role` null = everyone). Payloads come from the database.
 */
export type BusEvent =
  | { type: "inbox"; userIds: string[] }
  | {
      type: "audience";
      role: string | null;
      /** The new broadcast row (absent on a withdrawal): lets connections update without a query each. */
      row?: BroadcastRowPayload;
    };

/** A broadcast row as it travels on the bus (dates as ISO strings, so Redis can carry it). */
export type BroadcastRowPayload = Omit<NotificationRow, "createdAt" | "readAt"> & { createdAt: string };

export interface Bus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** False while the transport between instances is down. */
  healthy(): boolean;
}
