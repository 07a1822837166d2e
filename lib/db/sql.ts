// The hot path's read statements, run on the database driver itself: better-sqlite3 for SQLite,
// node-postgres for PostgreSQL (the pool Prisma's adapter also uses). A `$queryRaw` costs ~280 µs of
// Prisma's client and wasm query compiler around a statement SQLite answers in ~6 µs; these run on
// every delivery, connection and API call (docs/decisions/012-hot-path-on-the-driver.md).
// No `server-only` marker: tests and benchmarks build runners too; the app's is in lib/db/client.ts.
//
// Statements are the same `Prisma.sql` fragments as before (one source of SQL text and placeholders
// for both databases); values are bound the way Prisma's adapters bind them, so a Date compares with
// what Prisma stored (SQLite: ISO 8601 text with +00:00; PostgreSQL: a UTC `timestamp(3)`).
import Database from "better-sqlite3";
import pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { providerOf } from "./provider";

/** Read-only statements outside any transaction; writes stay on Prisma. */
export interface SqlRunner {
  query<T>(statement: Prisma.Sql): Promise<T[]>;
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

export function createSqliteRunner(url: string): SqlRunner {
  const db = new Database(sqlitePath(url), { timeout: 5000 });
  const prepared = new Map<string, Database.Statement>();
  return {
    async query<T>(statement: Prisma.Sql): Promise<T[]> {
      let stmt = prepared.get(statement.sql);
      if (!stmt) {
        if (prepared.size >= MAX_PREPARED) prepared.clear();
        stmt = db.prepare(statement.sql);
        prepared.set(statement.sql, stmt);
      }
      return stmt.all(...statement.values.map(sqliteValue)) as T[];
    },
    async close() {
      db.close();
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
  return { query: runner.query, close: () => pool.end() };
}
