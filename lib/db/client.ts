import "server-only";
import { env, databaseProvider } from "@/lib/env";
import type pg from "pg";
import { createAppClient } from "./create";
import { createPgPool, createPgRunner, createSqliteRunner, type SqlRunner } from "./sql";

type DbGlobal = { __notifDb?: Db; __notifSql?: SqlRunner; __notifPool?: pg.Pool };
const g = globalThis as typeof globalThis & DbGlobal;

/** On PostgreSQL, one pool for Prisma and for the hot path's statements (`sql`). */
const pool = (): pg.Pool | undefined =>
  databaseProvider === "postgresql" ? (g.__notifPool ??= createPgPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE)) : undefined;

const createClient = () => createAppClient(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE }, pool());

export type Db = ReturnType<typeof createClient>;

async function enableWal(client: ReturnType<typeof createClient>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
      return;
    } catch (e) {
      if (attempt >= 20) {
        console.error("[db] could not switch SQLite to WAL; continuing in its current journal mode", e);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}


/** One client per process, shared by server.ts and every route bundle. */
function instance() {
  if (!g.__notifDb) {
    const client = createClient();
    // WAL lets readers (streams, counts) proceed while a writer commits. Another process writing the
    // file at start-up makes the pragma fail with SQLITE_BUSY: retry rather than run without WAL.
    if (databaseProvider === "sqlite") void enableWal(client);
    g.__notifDb = client;
  }
  return g.__notifDb;
}

export const db: Db = instance();

/**
 * The hot path's statements on the driver itself, without Prisma's client and query compiler
 * (decision 012): its reads and the insert of personal notifications. On SQLite two connections of
 * its own to the same file, opened on first use (WAL: reads see what Prisma committed); on PostgreSQL
 * the pool Prisma uses. Every other write, and every transaction, stays on `db`.
 */
export const sql: SqlRunner = (g.__notifSql ??= databaseProvider === "postgresql" ? createPgRunner(pool()!) : createSqliteRunner(env.DATABASE_URL));

/** Ends the process's connections (tests; the server exits instead). A later import makes new ones. */
export async function closeDatabase(): Promise<void> {
  await db.$disconnect();
  await sql.close();
  await g.__notifPool?.end();
  g.__notifDb = undefined;
  g.__notifSql = undefined;
  g.__notifPool = undefined;
}
