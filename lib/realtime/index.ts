import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { Prisma } from "@/generated/prisma/client";
import { countUnread, latestSeq, rowsAfter } from "@/lib/notifications/queries";
import { viewersOf } from "@/lib/notifications/viewer";
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
    const [row] = await db.$queryRaw<Array<{ s: number | bigint | null }>>`SELECT MAX(seq) AS s FROM "Notification"`;
    return Number(row?.s ?? 0);
  },
  // Hand-written statements: this runs for every connected user on each broadcast (decision 011).
  async broadcastGap(userIds, after, before) {
    const viewers = await viewersOf(userIds);
    const latestOwn = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 500) {
      const chunk = userIds.slice(i, i + 500);
      const groups = await db.$queryRaw<Array<{ userId: string; s: number | bigint }>>`
        SELECT "userId", MAX(seq) AS s FROM "Notification"
        WHERE "userId" IN (${Prisma.join(chunk)}) AND seq < ${before} GROUP BY "userId"`;
      for (const g of groups) latestOwn.set(g.userId, Number(g.s));
    }
    const [broadcasts, still] = await Promise.all([
      db.$queryRaw<Array<{ seq: number | bigint; audienceRole: string | null; createdAt: Date | string | number }>>`
        SELECT seq, "audienceRole", "createdAt" FROM "Notification" WHERE "userId" IS NULL AND seq > ${after} AND seq < ${before}`,
      db.$queryRaw<Array<{ seq: number | bigint }>>`SELECT seq FROM "Notification" WHERE seq = ${before}`,
    ]);
    return {
      viewers,
      latestOwn,
      broadcasts: broadcasts.map((b) => ({ seq: Number(b.seq), audienceRole: b.audienceRole, createdAt: new Date(b.createdAt) })),
      exists: still.length > 0,
    };
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
