/**
 * What travels between instances: only "these inboxes changed", or "every inbox of this audience
 * changed" (a broadcast announcement; `role` null = everyone). Payloads come from the database.
 */
export type BusEvent = { type: "inbox"; userIds: string[] } | { type: "audience"; role: string | null };

export interface Bus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** False while the transport between instances is down. */
  healthy(): boolean;
}
