import "server-only";
import { db } from "@/lib/db/client";
import { databaseProvider } from "@/lib/env";

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/**
 * Any constant: the advisory lock that orders notification inserts ("noti"). Taken by Prisma's
 * transactions (lockSeqOrder) and by the driver's single-statement writes (lib/db/sql.ts `write`).
 */
export const SEQ_LOCK = 0x6e6f7469;

/**
 * The live cursor promises that once a client has seen seq n, no row it can see ever appears below n.
 * SQLite commits one writer at a time, so seq order is commit order. PostgreSQL hands out seq values at
 * insert and concurrent transactions may commit in either order: a reader could see 11 before 10 exists
 * and move its cursor past 10 for good. So on PostgreSQL every transaction that inserts notifications
 * first takes one transaction-scoped advisory lock: inserts commit one at a time, in seq order. Reads
 * and updates never take it. See docs/decisions/010-postgresql.md.
 */
export async function lockSeqOrder(tx: Pick<Tx, "$executeRaw">): Promise<void> {
  if (databaseProvider === "postgresql") await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEQ_LOCK})`;
}
