// The hot path's statements, run on the database driver itself: better-sqlite3 for SQLite,
// node-postgres for PostgreSQL (the pool Prisma's adapter also uses). A `$queryRaw` costs ~280 µs of
// Prisma's client and wasm query compiler around a statement SQLite answers in ~6 µs; these run on
// every delivery, connection and API call (docs/decisions/012-hot-path-on-the-driver.md).
// No `server-only` marker: tests build runners too; the app's is in lib/db/client.ts.
//
// Statements are the same `Prisma.sql` fragments as before (one source of SQL text and placeholders
// for both databases); values are bound the way Prisma's adapters bind them, so a Date compares with
// what Prisma stored (SQLite: ISO 8601 text with +00:00; PostgreSQL: a UTC `timestamp(3)`).
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { isSqliteBusy } from "./raw";

/** Reads outside any transaction, and single-statement writes; every other write stays on Prisma. */
export interface SqlRunner {
  query<T>(statement: Prisma.Sql): Promise<T[]>;
  /**
   * One write statement (an INSERT … RETURNING) in a transaction of its own, committed while holding
   * the transaction-scoped advisory lock `lock` on PostgreSQL (SQLite has one writer at a time anyway).
   * Returns the statement's rows.
   */
  write<T>(statement: Prisma.Sql, opts: { lock: number }): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Prepared statements kept, least recently used dropped first. A statement's text grows with its
 * lists (a message's recipients, a broadcast chunk's users), and one with many parameters holds
 * memory of its own: those past MAX_CACHED_PARAMS are prepared for the call and not kept (a
 * broadcast's full chunk of 500 users, which repeats, stays under it).
 */
const MAX_PREPARED = 200;
const MAX_CACHED_PARAMS = 512;

function sqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/** The SQLite file a `file:` URL names, as Prisma's better-sqlite3 adapter reads it. */
const sqlitePath = (url: string) => url.replace(/^file:/, "");

/** How long a statement waits, in all, for another connection's lock (as Prisma's adapter is set to). */
const BUSY_WAIT_MS = 5000;

function preparer(db: Database.Database) {
  const prepared = new Map<string, Database.Statement>();
  return (text: string, params: number): Database.Statement => {
    const hit = prepared.get(text);
    if (hit) {
      // Most recently used last: the Map's order is the eviction order.
      prepared.delete(text);
      prepared.set(text, hit);
      return hit;
    }
    const stmt = db.prepare(text);
    if (params <= MAX_CACHED_PARAMS) {
      if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
      prepared.set(text, stmt);
    }
    return stmt;
  };
}

/**
 * Two connections of our own beside Prisma's, opened on first use. Neither ever blocks: busy timeout
 * 0, and on SQLITE_BUSY (another connection or process holds a lock) the statement is retried on the
 * event loop, 1, 2, 4 … 50 ms apart, for up to 5 s. A blocking wait would stall the whole process,
 * and a Prisma interactive transaction holding the write lock across awaits could then never commit
 * (it needs the event loop): a deadlock for the length of the timeout. Reads are on their own
 * connection, so in WAL mode they never wait for a writer.
 */
export function createSqliteRunner(url: string): SqlRunner {
  let conns: { read: ReturnType<typeof preparer>; write: ReturnType<typeof preparer>; all: Database.Database[] } | undefined;
  let closed = false;
  const open = () => {
    if (closed) throw new Error("The database connection is closed.");
    if (conns) return conns;
    const reader = new Database(sqlitePath(url), { timeout: 0 });
    const writer = new Database(sqlitePath(url), { timeout: 0 });
    try {
      // The mode is the file's; the app's Prisma connection sets it too (lib/db/client.ts), and both retry.
      writer.pragma("journal_mode = WAL");
    } catch (e) {
      if (!isSqliteBusy(e)) throw e;
    }
    // As the app's Prisma connection: in WAL mode a commit need not wait for the disk.
    writer.pragma("synchronous = NORMAL");
    conns = { read: preparer(reader), write: preparer(writer), all: [reader, writer] };
    return conns;
  };
  async function run<T>(which: "read" | "write", statement: Prisma.Sql): Promise<T[]> {
    const values = statement.values.map(sqliteValue);
    const started = performance.now();
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        return open()[which](statement.sql, values.length).all(...values) as T[];
      } catch (e) {
        if (!isSqliteBusy(e) || performance.now() - started > BUSY_WAIT_MS) throw e;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  return {
    query: (statement) => run("read", statement),
    write: (statement) => run("write", statement),
    async close() {
      closed = true;
      for (const db of conns?.all ?? []) db.close();
    },
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A Date as a UTC `timestamp` literal, as @prisma/adapter-pg binds it (a `+hh:mm` suffix would be ignored, not applied). */
function pgTimestamp(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const pgValues = (statement: Prisma.Sql) => statement.values.map((v) => (v instanceof Date ? pgTimestamp(v) : v));

const OID = { INT8: 20, TIMESTAMP: 1114 } as const;
/** `timestamp(3)` columns hold UTC (Prisma writes them so); node-postgres would read them as local time. */
const parseTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
/** COUNT(*) is bigint on PostgreSQL: counts of rows fit a double. */
const parseInt8 = (text: string) => Number(text);
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === OID.TIMESTAMP) return parseTimestamp;
    if (oid === OID.INT8) return parseInt8;
    return pg.types.getTypeParser(oid, format ?? "text");
  },
} as pg.CustomTypesConfig;

/** On `pool`, which Prisma's adapter shares: whoever made the pool ends it. */
export function createPgRunner(pool: pg.Pool): SqlRunner {
  return {
    async query<T>(statement: Prisma.Sql): Promise<T[]> {
      const result = await pool.query({ text: statement.text, values: pgValues(statement), types: pgTypes });
      return result.rows as T[];
    },
    async write<T>(statement: Prisma.Sql, { lock }: { lock: number }): Promise<T[]> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [lock]);
        const result = await client.query({ text: statement.text, values: pgValues(statement), types: pgTypes });
        await client.query("COMMIT");
        return result.rows as T[];
      } catch (e) {
        // A connection that cannot even roll back is not handed to the next caller.
        await client.query("ROLLBACK").catch((r: unknown) => void (broken = r instanceof Error ? r : new Error(String(r))));
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async close() {},
  };
}

/** The pool settings for a URL: the app's shared pool and Prisma's own (lib/db/create.ts) alike. */
export const pgPoolConfig = (url: string, poolSize = 10): pg.PoolConfig => ({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });

/** The app's PostgreSQL pool: Prisma's adapter and the runner share it. */
export function createPgPool(url: string, poolSize?: number): pg.Pool {
  const pool = new pg.Pool(pgPoolConfig(url, poolSize));
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on("error", (e) => console.warn(`[db] idle PostgreSQL connection lost: ${e.message}`));
  return pool;
}
