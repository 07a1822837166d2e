import "server-only";
import { db } from "@/lib/db/client";
import { metrics } from "@/lib/metrics";
import { countUnread, latestSeq, rowsAfter } from "@/lib/notifications/queries";
import { onShutdown } from "@/lib/server/lifecycle";
import { processSingleton } from "@/lib/server/singleton";
import { createHub, type Hub, type HubObserver, type InboxSource } from "./hub";

const dbSource: InboxSource = {
  countUnread,
  rowsAfter,
  latestSeq,
  async maxSeq() {
    const agg = await db.notification.aggregate({ _max: { seq: true } });
    return agg._max.seq ?? 0;
  },
};

const observer: HubObserver = {
  connected: (t) => metrics.connections.inc({ transport: t }),
  disconnected: (t) => metrics.connections.dec({ transport: t }),
  delivered(t, sinceMs) {
    metrics.eventsDelivered.inc({ transport: t });
    if (sinceMs !== null) metrics.deliveryLatency.observe({ transport: t }, sinceMs / 1000);
  },
};

/** The process's hub, shared by every route bundle and server.ts. */
export const hub: Hub = processSingleton("hub", () => {
  const h = createHub(dbSource, undefined, observer);
  onShutdown(() => h.closeAll());
  return h;
});
