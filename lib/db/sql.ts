// The hot path's read statements, run on the database driver itself: better-sqlite3 for SQLite,
// node-postgres for PostgreSQL (the pool Prisma's adapter also uses). A `$queryRaw` costs ~280 µs of
// Prisma's client and wasm query compiler around a statement SQLite answers in ~6 µs; these run on
// every delivery, connection and API call (docs/decisions/012-hot-path-on-the-driver.md).
// No `server-only` marker: tests and benchmarks build runners too; the app's is in lib/db/client.ts.
//
// Statements are the same `Prisma.sql` fragments as before (one source of SQL text and placeholders
// for both databases); values are bound the way Prisma's adapters bind them, so a Date compares with
// what Prisma stored (SQLite: ISO 8601 text with +00:00; PostgreSQL: a UTC `timestamp(3)`).
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { providerOf } from "./provider";

/** Read statements outside any transaction, and single-statement writes; every other write stays on Prisma. */
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

/** Prepared statements kept per SQL text: the IN lists of the broadcast path make at most a few hundred texts. */
const MAX_PREPARED = 2000;

function sqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/** The SQLite file a `file:` URL names, as Prisma's better-sqlite3 adapter reads it. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}

/** How long a write waits, in all, for another connection's write transaction (as Prisma's adapter is set to). */
const WRITE_WAIT_MS = 5000;

function preparer(db: Database.Database) {
  const prepared = new Map<string, Database.Statement>();
  return (text: string): Database.Statement => {
    let stmt = prepared.get(text);
    if (!stmt) {
      if (prepared.size >= MAX_PREPARED) prepared.clear();
      stmt = db.prepare(text);
      prepared.set(text, stmt);
    }
    return stmt;
  };
}

const isBusy = (e: unknown) => typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === "SQLITE_BUSY";

/**
 * Two connections of our own beside Prisma's. Reads: WAL readers never wait for a writer. Writes: a
 * connection that never blocks (busy timeout 0) and retries on the event loop while another
 * connection holds the write lock. Blocking instead would stall the whole process, and a Prisma
 * interactive transaction holding the lock across awaits could then never finish (it needs the event
 * loop): a deadlock for the length of the timeout.
 */
export function createSqliteRunner(url: string): SqlRunner {
  const reader = new Database(sqlitePath(url), { timeout: 5000 });
  const writer = new Database(sqlitePath(url), { timeout: 0 });
  // As the app's Prisma connection (lib/db/client.ts): in WAL mode a commit need not wait for the disk.
  writer.pragma("synchronous = NORMAL");
  const read = preparer(reader);
  const prepareWrite = preparer(writer);
  return {
    async query<T>(statement: Prisma.Sql): Promise<T[]> {
      return read(statement.sql).all(...statement.values.map(sqliteValue)) as T[];
    },
    async write<T>(statement: Prisma.Sql): Promise<T[]> {
      const stmt = prepareWrite(statement.sql);
      const values = statement.values.map(sqliteValue);
      const started = performance.now();
      for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
        try {
          return stmt.all(...values) as T[];
        } catch (e) {
          if (!isBusy(e) || performance.now() - started > WRITE_WAIT_MS) throw e;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    async close() {
      reader.close();
      writer.close();
    },
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A Date as a UTC `timestamp` literal, as @prisma/adapter-pg binds it (a `+hh:mm` suffix would be ignored, not applied). */
function pgTimestamp(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

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

export function createPgRunner(pool: pg.Pool): SqlRunner {
  return {
    async query<T>(statement: Prisma.Sql): Promise<T[]> {
      const values = statement.values.map((v) => (v instanceof Date ? pgTimestamp(v) : v));
      const result = await pool.query({ text: statement.text, values, types: pgTypes });
      return result.rows as T[];
    },
    async write<T>(statement: Prisma.Sql, { lock }: { lock: number }): Promise<T[]> {
      const values = statement.values.map((v) => (v instanceof Date ? pgTimestamp(v) : v));
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [lock]);
        const result = await client.query({ text: statement.text, values, types: pgTypes });
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
    async close() {
      // The pool is Prisma's too: whoever made it ends it.
    },
  };
}

export type PoolOptions = { poolSize?: number };

/** The PostgreSQL pool for a URL: Prisma's adapter and the runner share it. */
export function createPgPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on("error", (e) => console.warn(`[db] idle PostgreSQL connection lost: ${e.message}`));
  return pool;
}

/** A runner of its own for a URL (tests, benchmarks); the app shares its pool with Prisma (lib/db/client.ts). */
export function createSqlRunner(url: string, opts: PoolOptions = {}): SqlRunner {
  if (providerOf(url) !== "postgresql") return createSqliteRunner(url);
  const pool = createPgPool(url, opts);
  const runner = createPgRunner(pool);
  return { query: runner.query, write: runner.write, close: () => pool.end() };
}
