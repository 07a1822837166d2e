/** What travels between instances: only "these inboxes changed". Payloads come from the database. */
export type BusEvent = { type: "inbox"; userIds: string[] };

export interface Bus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** False while the transport between instances is down. */
  healthy(): boolean;
}
