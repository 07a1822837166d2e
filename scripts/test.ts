// `npm test`: typecheck, unit tests, production build, integration tests against the real server,
// then Playwright in Debian's Chromium. Stops at the first failure with its exit code.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const steps: Array<[string, string, string[]]> = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["unit", bin("vitest"), ["run", "--project", "unit"]],
  ["build", bin("next"), ["build"]],
  ["integration", bin("vitest"), ["run", "--project", "integration"]],
  ["e2e", bin("playwright"), ["test"]],
];

if (!fs.existsSync(chromium)) {
  console.error(`[test] Chromium not found at ${chromium}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}

for (const [name, cmd, args] of steps) {
  const started = Date.now();
  console.log(`\n[test] ── ${name} ──`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`[test] ${name} failed after ${secs} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`[test] ${name} passed in ${secs} s`);
}
console.log("\n[test] all green");
