// Prisma clients for a DATABASE_URL: SQLite through better-sqlite3 (the embedded default) or PostgreSQL
// through node-postgres. The app (lib/db/client.ts), the seed, the tests and the benchmarks all build
// their clients here. No `server-only` marker: scripts and tests run it outside Next.
//
// The two generated clients have the same models and the same API for everything this codebase uses
// (PostgreSQL's adds options such as `mode: "insensitive"`, not used here), so the PostgreSQL client is
// typed as the SQLite one and every module sees one `Db` type.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "@/generated/prisma-pg/client";
import { providerOf } from "./provider";
import { pgPoolConfig } from "./sql";

export type ClientOptions = {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
};

function sqliteAdapter(url: string) {
  return new PrismaBetterSQLite3({ url, timeout: 5000 });
}

function pgAdapter(url: string, opts: ClientOptions, pool?: pg.Pool) {
  return new PrismaPg(pool ?? pgPoolConfig(url, opts.poolSize));
}

/** A plain client: every column (tests, seed, benchmarks). */
export function createPrismaClient(url: string, opts: ClientOptions = {}): PrismaClient {
  if (providerOf(url) === "postgresql") return new PgPrismaClient({ adapter: pgAdapter(url, opts) }) as unknown as PrismaClient;
  return new PrismaClient({ adapter: sqliteAdapter(url) });
}

/**
 * The app's client: the password hash is omitted from every query unless one asks for it by name.
 * On PostgreSQL, `pool` (when given) is shared with the hot path's statements (lib/db/sql.ts).
 */
export function createAppClient(url: string, opts: ClientOptions = {}, pool?: pg.Pool) {
  const omit = { user: { passwordHash: true } } as const;
  const sqlite = () => new PrismaClient({ adapter: sqliteAdapter(url), omit });
  if (providerOf(url) === "postgresql") {
    return new PgPrismaClient({ adapter: pgAdapter(url, opts, pool), omit }) as unknown as ReturnType<typeof sqlite>;
  }
  return sqlite();
}
