// The database a benchmark's server runs on, with its accounts: a fresh migrated SQLite file (the
// default) or a fresh database on a PostgreSQL server (`postgres://…`; migrating it takes ~10 s),
// holding the demo accounts and N bench users written before any server starts (a second writer while
// the server switches SQLite to WAL makes that pragma fail). Bench users sign in by a minted next-auth
// session cookie; the admin signs in the real way.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { hashPassword } from "../../lib/auth/password";
import { createPrismaClient } from "../../lib/db/create";
import { seedDemo } from "../../prisma/seed";
import { migrate } from "../../test/server-harness";

/** The test harness's secret: every server the benches start signs sessions with it. */
export const AUTH_SECRET = "test-secret-test-secret-test-secret";
export const SESSION_COOKIE = "next-auth.session-token";
const BATCH = 2000;

export type BenchUser = { id: string; email: string; name: string };

export function benchUsers(n: number, prefix = "bench"): BenchUser[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(7, "0")}`,
    email: `${prefix}-${i}@bench.example`,
    name: `Bench ${i}`,
  }));
}

export type BenchDatabase = {
  /** DATABASE_URL for the servers. */
  url: string;
  /** A temporary folder: the SQLite file, the servers' DATA_DIR. */
  dir: string;
  provider: "sqlite" | "postgresql";
  /** Removes the folder and, for PostgreSQL, drops the database (servers stopped first). */
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database with the demo accounts (password demo1234) and `users`, created a day
 * ago so every announcement's audience holds them. `postgresUrl`: a database on the PostgreSQL server
 * to create the bench's own beside (e.g. postgres://postgres@127.0.0.1:5432/postgres); absent: SQLite.
 */
export async function prepareDatabase(users: readonly BenchUser[], postgresUrl?: string): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-bench-"));
  let url = `file:${path.join(dir, "app.db")}`;
  let drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  if (postgresUrl) {
    const name = `notif_bench_${process.pid}_${Date.now().toString(36)}`;
    const onServer = async (sql: string) => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await onServer(`CREATE DATABASE "${name}"`).catch((e: unknown) => {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    });
    const u = new URL(postgresUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
  }
  try {
    migrate(url);
    await seedDemo(url);
    const passwordHash = await hashPassword("bench-password");
    const createdAt = new Date(Date.now() - 86_400_000);
    const db = createPrismaClient(url, { poolSize: 2 });
    try {
      for (let i = 0; i < users.length; i += BATCH) {
        await db.user.createMany({ data: users.slice(i, i + BATCH).map((u) => ({ ...u, role: "user", passwordHash, createdAt })) });
      }
    } finally {
      await db.$disconnect();
    }
  } catch (e) {
    await drop().catch(() => {});
    throw e;
  }
  return { url, dir, provider: postgresUrl ? "postgresql" : "sqlite", drop };
}

/** The next-auth session cookie of each user, minted with the harness's secret. */
export function sessionCookies(users: readonly BenchUser[]): Promise<string[]> {
  return Promise.all(
    users.map(async (u) => {
      const token = await encode({ token: { uid: u.id, email: u.email, name: u.name, role: "user" }, secret: AUTH_SECRET });
      return `${SESSION_COOKIE}=${token}`;
    }),
  );
}
