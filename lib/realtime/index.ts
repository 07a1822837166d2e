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
  async rowsBetween(userIds, after, before) {
    const latest = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 500) {
      const groups = await db.notification.groupBy({
        by: ["userId"],
        where: { userId: { in: userIds.slice(i, i + 500) }, seq: { lt: before } },
        _max: { seq: true },
      });
      for (const g of groups) if (g.userId && g._max.seq !== null) latest.set(g.userId, g._max.seq);
    }
    const broadcast = (await db.notification.count({ where: { userId: null, seq: { gt: after, lt: before } } })) > 0;
    return { latest, broadcast };
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
