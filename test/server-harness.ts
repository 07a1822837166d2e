// Starts the real server (server.ts over the production build) on a free port, against a fresh
// migrated database: a SQLite file in a temporary folder, or, when TEST_DATABASE=postgres, a new
// PostgreSQL database on TEST_POSTGRES_URL (dropped on stop). Used by the integration suite, e2e and
// the benchmark.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { seedDemo } from "../prisma/seed";

const root = path.resolve(__dirname, "..");

export type TestServer = {
  baseUrl: string;
  port: number;
  pid: number;
  dir: string;
  databaseUrl: string;
  /** SIGTERM; resolves with the exit code. Removes the temp folder unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<number | null>;
};

export type StartOptions = {
  env?: Record<string, string>;
  seed?: boolean;
  /** Reuse this folder's database (e.g. to restart a stopped server); default: a fresh one. */
  dir?: string;
  /** Another running server's database (a second instance): not migrated, seeded or dropped here. */
  databaseUrl?: string;
  port?: number;
};

/** The server every test database is created on, when TEST_DATABASE=postgres. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function testDatabaseProvider(): "sqlite" | "postgresql" {
  const which = process.env.TEST_DATABASE ?? "sqlite";
  if (which === "sqlite") return "sqlite";
  if (which === "postgres" || which === "postgresql") return "postgresql";
  throw new Error(`TEST_DATABASE must be sqlite or postgres, not ${which}`);
}

async function onPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrlOf(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new PostgreSQL database (empty, or a copy of `template`); its URL. */
export async function createPostgresDatabase(template?: string): Promise<string> {
  const name = `notif_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await onPostgres((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`));
  return databaseUrlOf(name);
}

/**
 * A migrated database to copy: `migrate deploy` takes about 10 s on PostgreSQL through the driver
 * adapter, a copy a fraction of a second. One template per set of migrations, made once by whichever
 * test process gets there first (an advisory lock keeps the others waiting).
 */
async function migratedTemplate(): Promise<string> {
  const dir = path.join(root, "prisma", "postgres", "migrations");
  const hash = crypto.createHash("sha256");
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (fs.existsSync(file)) hash.update(name).update(fs.readFileSync(file));
  }
  const template = `notif_template_${hash.digest("hex").slice(0, 16)}`;
  return onPostgres(async (c) => {
    await c.query("SELECT pg_advisory_lock(7368)");
    try {
      const found = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (found.rowCount === 0) {
        const staging = `${template}_staging`;
        await c.query(`DROP DATABASE IF EXISTS "${staging}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${staging}"`);
        migrate(databaseUrlOf(staging));
        await c.query(`ALTER DATABASE "${staging}" RENAME TO "${template}"`);
      }
      return template;
    } finally {
      await c.query("SELECT pg_advisory_unlock(7368)");
    }
  });
}

export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await onPostgres((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** A fresh database for a test server: its URL, kept in the folder so a restart finds it again. */
async function freshDatabase(dir: string): Promise<string> {
  if (testDatabaseProvider() === "sqlite") {
    const url = `file:${path.join(dir, "app.db")}`;
    migrate(url);
    return url;
  }
  return freshPostgresDatabase();
}

/**
 * A database of its own for a test that must not share the suite's (on the provider of this pass),
 * and how to remove it.
 */
export async function privateDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (testDatabaseProvider() === "postgresql") {
    const url = await freshPostgresDatabase();
    return { url, drop: () => dropPostgresDatabase(url) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-db-"));
  const url = await freshDatabase(dir);
  return { url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A new migrated PostgreSQL database (a copy of the template); its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  return createPostgresDatabase(await migratedTemplate());
}

export function migrate(databaseUrl: string): void {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "prisma.cjs"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`migrate deploy failed:\n${r.stdout}\n${r.stderr}`);
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "notif-test-"));
  const urlFile = path.join(dir, "database-url");
  const shared = opts.databaseUrl !== undefined;
  const databaseUrl = opts.databaseUrl ?? (opts.dir ? fs.readFileSync(urlFile, "utf8") : await freshDatabase(dir));
  if (!opts.dir && !shared) {
    // Kept in the folder, so a restart on the same folder finds the same database.
    fs.writeFileSync(urlFile, databaseUrl);
    if (opts.seed !== false) await seedDemo(databaseUrl);
  }
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(opts.port ?? 0),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "test-secret-test-secret-test-secret",
      DATA_DIR: dir,
      NEXT_TELEMETRY_DISABLED: "1",
      // Servers of different tests share the one Redis: each hears only its own (or its group's, when
      // the test passes one channel to several instances).
      REDIS_CHANNEL: `notif:test:${path.basename(dir)}`,
      // TEST_BUS=redis: every test server runs on the Redis bus (the PostgreSQL pass of npm test).
      ...(process.env.TEST_BUS === "redis" ? { REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379" } : {}),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /ready on http:\/\/[^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  if (process.env.TEST_SERVER_LOG) child.stdout?.pipe(process.stdout);
  child.stderr?.pipe(process.stderr);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    dir,
    databaseUrl,
    stop: ({ keepData = false } = {}) =>
      new Promise((resolve) => {
        const done = (code: number | null) => {
          if (keepData) return resolve(code);
          fs.rmSync(dir, { recursive: true, force: true });
          if (shared || databaseUrl.startsWith("file:")) return resolve(code);
          dropPostgresDatabase(databaseUrl).then(
            () => resolve(code),
            (e: unknown) => {
              console.warn(`[harness] could not drop ${databaseUrl}:`, e);
              resolve(code);
            },
          );
        };
        if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}
