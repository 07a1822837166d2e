// Starts the real server (server.ts over the production build) on a free port, against a fresh
// migrated SQLite file in a temporary folder. Used by the integration suite, e2e and the benchmark.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
  port?: number;
};

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
  const databaseUrl = `file:${path.join(dir, "app.db")}`;
  if (!opts.dir) {
    migrate(databaseUrl);
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
          if (!keepData) fs.rmSync(dir, { recursive: true, force: true });
          resolve(code);
        };
        if (child.exitCode !== null) return done(child.exitCode);
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}
