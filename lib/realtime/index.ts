import "server-only";
import { sql } from "@/lib/db/client";
import { asDate, type RawDate, type RawInt } from "@/lib/db/raw";
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

/** Up to this many seqs between the oldest cursor and a broadcast, one range scan finds every user's own rows in it. */
const OWN_RANGE_SCAN_MAX = 10_000;

const dbSource: InboxSource = {
  countUnread,
  rowsAfter,
  latestSeq,
  async maxSeq() {
    const [row] = await sql.query<{ s: RawInt | null }>(Prisma.sql`SELECT MAX(seq) AS s FROM "Notification"`);
    return Number(row?.s ?? 0);
  },
  // Hand-written statements: these run for every connected user on each broadcast (decision 011).
  broadcast: {
    async between(after, before) {
      const [broadcasts, still, own] = await Promise.all([
        sql.query<{ seq: RawInt; audienceRole: string | null; createdAt: RawDate }>(Prisma.sql`
          SELECT seq, "audienceRole", "createdAt" FROM "Notification" WHERE "userId" IS NULL AND seq > ${after} AND seq < ${before}`),
        sql.query<{ seq: RawInt }>(Prisma.sql`SELECT seq FROM "Notification" WHERE seq = ${before}`),
        // Connected users are usually close to the newest rows: then one scan of the range answers for all of them.
        before - after <= OWN_RANGE_SCAN_MAX
          ? sql.query<{ userId: string; s: RawInt }>(Prisma.sql`
              SELECT "userId", MAX(seq) AS s FROM "Notification"
              WHERE seq > ${after} AND seq < ${before} AND "userId" IS NOT NULL GROUP BY "userId"`)
          : Promise.resolve(null),
      ]);
      return {
        broadcasts: broadcasts.map((b) => ({ seq: Number(b.seq), audienceRole: b.audienceRole, createdAt: asDate(b.createdAt) })),
        exists: still.length > 0,
        latestOwn: own ? new Map(own.map((g) => [g.userId, Number(g.s)])) : undefined,
      };
    },
    async viewers(userIds, after, before, { own, roles }) {
      const [viewers, groups] = await Promise.all([
        viewersOf(userIds, { roles }),
        own
          ? sql.query<{ userId: string; s: RawInt }>(Prisma.sql`
              SELECT "userId", MAX(seq) AS s FROM "Notification"
              WHERE "userId" IN (${Prisma.join(userIds)}) AND seq > ${after} AND seq < ${before} GROUP BY "userId"`)
          : Promise.resolve([]),
      ]);
      return { viewers, latestOwn: new Map(groups.map((g) => [g.userId, Number(g.s)])) };
    },
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
