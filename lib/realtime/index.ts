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
  async broadcastGap(userIds, after, before) {
    const viewers = new Map<string, { role: string; createdAt: Date }>();
    const latestOwn = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 500) {
      const chunk = userIds.slice(i, i + 500);
      const [users, groups] = await Promise.all([
        db.user.findMany({ where: { id: { in: chunk } }, select: { id: true, role: true, createdAt: true } }),
        db.notification.groupBy({ by: ["userId"], where: { userId: { in: chunk }, seq: { lt: before } }, _max: { seq: true } }),
      ]);
      for (const u of users) viewers.set(u.id, { role: u.role, createdAt: u.createdAt });
      for (const g of groups) if (g.userId && g._max.seq !== null) latestOwn.set(g.userId, g._max.seq);
    }
    const [broadcasts, still] = await Promise.all([
      db.notification.findMany({
        where: { userId: null, seq: { gt: after, lt: before } },
        select: { seq: true, audienceRole: true, createdAt: true },
      }),
      db.notification.count({ where: { seq: before } }),
    ]);
    return { viewers, latestOwn, broadcasts, exists: still > 0 };
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
