// The database a benchmark's server runs on, with its accounts: a fresh migrated SQLite file (the
// default) or a fresh database on a PostgreSQL server (`postgres://…`), holding the demo accounts and
// N bench users written before any server starts (a second writer while the server switches SQLite to
// WAL makes that pragma fail). Bench users sign in by a minted next-auth session cookie; the admin
// signs in the real way.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client";
import { hashPassword } from "../../lib/auth/password";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "../../prisma/seed";
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
 * A fresh database with the demo accounts (password demo1234) and `users`, created a day ago so every
 * announcement's audience holds them. `postgresUrl`: a database on the PostgreSQL server to create the
 * bench's own beside (e.g. postgres://127.0.0.1:5432/test); absent: SQLite.
 */
export async function prepareDatabase(users: readonly BenchUser[], postgresUrl?: string): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-bench-"));
  const passwordHash = await hashPassword("bench-password");
  const createdAt = new Date(Date.now() - 86_400_000);
  if (!postgresUrl) {
    const url = `file:${path.join(dir, "app.db")}`;
    migrate(url);
    await seedDemo(url);
    const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
    try {
      for (let i = 0; i < users.length; i += BATCH) {
        await prisma.user.createMany({ data: users.slice(i, i + BATCH).map((u) => ({ ...u, role: "user", passwordHash, createdAt })) });
      }
    } finally {
      await prisma.$disconnect();
    }
    return { url, dir, provider: "sqlite", drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  const name = `notif_bench_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(postgresUrl);
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  const drop = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  try {
    try {
      migrate(url.toString());
    } catch (e) {
      throw new Error(`\`prisma migrate deploy\` against PostgreSQL failed: does this build support DATABASE_URL=postgres://…?\n${String(e)}`);
    }
    // Plain SQL: the generated Prisma client is the SQLite one. Prisma's default names ("User", camelCase columns).
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const demoHash = await hashPassword(DEMO_PASSWORD);
      const rows = [
        ...DEMO_ACCOUNTS.map((a, k) => ({ id: `demo${k}`, email: a.email, name: a.name, role: a.role, hash: demoHash })),
        ...users.map((u) => ({ ...u, role: "user", hash: passwordHash })),
      ];
      for (let i = 0; i < rows.length; i += BATCH) {
        const chunk = rows.slice(i, i + BATCH);
        await db.query(
          `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "createdAt")
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
          [chunk.map((r) => r.id), chunk.map((r) => r.email), chunk.map((r) => r.name), chunk.map((r) => r.role), chunk.map((r) => r.hash), chunk.map(() => createdAt)],
        );
      }
    } finally {
      await db.end();
    }
  } catch (e) {
    await drop().catch(() => {});
    throw e;
  }
  return { url: url.toString(), dir, provider: "postgresql", drop };
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
