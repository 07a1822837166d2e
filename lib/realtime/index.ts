import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { countUnread, latestSeq, rowsAfter } from "@/lib/notifications/queries";
import { onDrained, onShutdown } from "@/lib/server/lifecycle";
import { processSingleton } from "@/lib/server/singleton";
import { MemoryBus } from "./bus/memory";
import { RedisBus } from "./bus/redis";
import type { Bus } from "./bus/types";
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

/** REDIS_URL set: instances share events over Redis. Unset: one process, nothing to share. */
function createBus(): Bus {
  return env.REDIS_URL ? new RedisBus({ url: env.REDIS_URL, channel: env.REDIS_CHANNEL }) : new MemoryBus();
}

/** The process's hub, shared by every route bundle and server.ts. */
export const hub: Hub = processSingleton("hub", () => {
  const bus = createBus();
  const h = createHub(dbSource, bus, observer);
  onShutdown(() => h.closeAll());
  // After the drain, not at its start: a request finishing meanwhile still tells the other instances.
  onDrained(() => bus.close());
  return h;
});
