import { z } from "zod";
import type { NotificationRow } from "@/lib/notifications/dto";

/** A broadcast row as it travels on the bus (dates as ISO strings, so Redis can carry it). */
export const broadcastRowSchema = z.object({
  seq: z.number().int().nonnegative(),
  id: z.string().min(1),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type BroadcastRowPayload = z.infer<typeof broadcastRowSchema>;

/**
 * What travels between instances: only "these inboxes changed", or "every inbox of this audience
 * changed" (a broadcast announcement; `role` null = everyone). Payloads come from the database.
 * The schema checks what arrives from Redis; the type is what it infers.
 */
export const busEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("inbox"), userIds: z.array(z.string().min(1)) }),
  z.object({
    type: z.literal("audience"),
    role: z.string().nullable(),
    /** The new broadcast row (absent on a withdrawal): lets connections update without a query each. */
    row: broadcastRowSchema.optional(),
  }),
]);
export type BusEvent = z.infer<typeof busEventSchema>;

// The payload must stay a NotificationRow minus what the bus does not carry: a field added to the
// row and not to the schema breaks the build here, not the fast path at run time.
type RowOnTheBus = Omit<NotificationRow, "createdAt" | "readAt"> & { createdAt: string };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const payloadMatchesRow: Same<BroadcastRowPayload, RowOnTheBus> = true;
void payloadMatchesRow;

export interface Bus {
  publish(event: BusEvent): void;
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** False while the transport between instances is down: events from other instances may be missed. */
  healthy(): boolean;
  /** Called on every change of healthy(); returns the unsubscribe. */
  onHealthChange(listener: (healthy: boolean) => void): () => void;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
