"use client";
// Did the last test notification get through a panel's connection, and how long did it take?
// Every panel records what it receives with a timestamp; the verdict is derived from those records,
// so an event that arrives before the POST has even answered (SSE often beats it) still counts.
import { useCallback, useEffect, useState } from "react";
import type { Transport } from "@/lib/client/transports";
import type { UnreadEvent } from "@/lib/notifications/dto";

/** A click on "send me a test notification". */
export type LabTest = {
  key: number;
  /** performance.now() at the click. */
  clickedAt: number;
  /** The notification's id, once the POST answered. */
  id: string | null;
  /** The POST failed: nothing to wait for. */
  failed: boolean;
};

export type DeliveryState = "idle" | "waiting" | "delivered" | "missed";
export type Delivery = { state: DeliveryState; latencyMs: number | null; via: Transport | null };

export const DELIVERY_TIMEOUT_MS = 30_000;

export type Arrival = { at: number; via: Transport | null };
export type CountSample = Arrival & { count: number };

const MAX_SAMPLES = 200;

/** The verdict on one test from what a panel recorded (exported for its unit test). */
export function deliveryVerdict(test: LabTest | null, byId: ReadonlyMap<string, Arrival>, counts: readonly CountSample[], expired: number | null): Delivery {
  if (!test || test.failed) return { state: "idle", latencyMs: null, via: null };
  let arrival: Arrival | undefined = test.id ? byId.get(test.id) : undefined;
  if (!arrival) {
    // Count-only transports (short polling): the first count above the one held at the click.
    let baseline: number | null = null;
    for (const s of counts) {
      if (s.at <= test.clickedAt) baseline = s.count;
      else if (baseline !== null && s.count > baseline) {
        arrival = s;
        break;
      }
    }
  }
  if (arrival) return { state: "delivered", latencyMs: Math.max(0, arrival.at - test.clickedAt), via: arrival.via };
  return { state: expired === test.key ? "missed" : "waiting", latencyMs: null, via: null };
}

/**
 * `record(event, {countOnly})` for every event a panel receives; `countOnly` marks an event from a
 * transport that carries no notification, where only a rising count tells that it arrived.
 */
export function useDelivery(test: LabTest | null) {
  const [byId, setById] = useState<ReadonlyMap<string, Arrival>>(() => new Map());
  const [counts, setCounts] = useState<readonly CountSample[]>([]);
  const [expired, setExpired] = useState<number | null>(null);

  const record = useCallback((e: UnreadEvent, opts: { countOnly: boolean; via?: Transport | null }) => {
    const at = performance.now();
    const via = opts.via ?? null;
    const id = e.notification?.id;
    if (id) setById((m) => (m.has(id) ? m : new Map(m).set(id, { at, via })));
    if (opts.countOnly) setCounts((c) => [...c.slice(-MAX_SAMPLES + 1), { at, via, count: e.unreadCount }]);
  }, []);

  useEffect(() => {
    if (!test || test.failed) return;
    const timer = setTimeout(() => setExpired(test.key), Math.max(0, test.clickedAt + DELIVERY_TIMEOUT_MS - performance.now()));
    return () => clearTimeout(timer);
  }, [test]);

  return { record, delivery: deliveryVerdict(test, byId, counts, expired) };
}
