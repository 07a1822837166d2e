// `npm test`: typecheck, unit tests, production build, integration tests against the real server,
// then Playwright in Debian's Chromium. Stops at the first failure with its exit code.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** PostgreSQL and Redis for the second integration run; without them (and without REQUIRE_SERVICES=1) it is skipped. */
function reachable(raw: string, defaultPort: number): boolean {
  const url = new URL(raw);
  const probe = `require("net").connect(${Number(url.port || defaultPort)}, ${JSON.stringify(url.hostname)}).on("connect", () => process.exit(0)).on("error", () => process.exit(1))`;
  return spawnSync(process.execPath, ["-e", probe], { timeout: 3000 }).status === 0;
}
const postgresReachable = () => reachable(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", 5432);
const redisReachable = () => reachable(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", 6379);

type Step = { name: string; cmd: string; args: string[]; env?: Record<string, string>; skip?: string };

const withServices = (postgresReachable() && redisReachable()) || process.env.REQUIRE_SERVICES === "1";
const noPostgres = withServices
  ? undefined
  : "PostgreSQL or Redis is not reachable (set TEST_POSTGRES_URL / TEST_REDIS_URL, or REQUIRE_SERVICES=1 to fail instead)";

const steps: Step[] = [
  { name: "typecheck", cmd: bin("tsc"), args: ["--noEmit"] },
  { name: "unit", cmd: bin("vitest"), args: ["run", "--project", "unit"] },
  { name: "build", cmd: bin("next"), args: ["build"] },
  { name: "integration (SQLite)", cmd: bin("vitest"), args: ["run", "--project", "integration"] },
  {
    name: "integration (PostgreSQL, Redis bus)",
    cmd: bin("vitest"),
    args: ["run", "--project", "integration"],
    env: { TEST_DATABASE: "postgres", TEST_BUS: "redis" },
    skip: noPostgres,
  },
  { name: "e2e", cmd: bin("playwright"), args: ["test"] },
];

if (!fs.existsSync(chromium)) {
  console.error(`[test] Chromium not found at ${chromium}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}

// Route types from an earlier build name routes that may be gone; the build below writes them afresh.
fs.rmSync(path.join(root, ".next", "types"), { recursive: true, force: true });

const skipped: string[] = [];
for (const { name, cmd, args, env, skip } of steps) {
  const started = Date.now();
  console.log(`\n[test] ── ${name} ──`);
  if (skip) {
    console.warn(`[test] ${name} SKIPPED: ${skip}`);
    skipped.push(name);
    continue;
  }
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", VITE_CONFIG_NATIVE_IGNORE_WARNING: "true", ...env },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`[test] ${name} failed after ${secs} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`[test] ${name} passed in ${secs} s`);
}
console.log(skipped.length ? `\n[test] green, but skipped: ${skipped.join(", ")}` : "\n[test] all green");
