// What `npm start` does before serving: migrate the database, seed the demo accounts into an
// empty one (unless SEED_DEMO=0), and build when there is no build or the sources are newer (unless
// SKIP_BUILD=1). The environment is the app's (lib/env.ts), parsed once: a bad value fails here, before
// a migration or a build, with the message the server would give.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { env } from "../lib/env";
import { seedDemo } from "../prisma/seed";

const root = path.resolve(__dirname, "..");
const databaseUrl = env.DATABASE_URL;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) {
    console.error(`[prepare] ${cmd} ${args.join(" ")} failed`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const stamp = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  const sources = ["app", "components", "lib", "i18n", "generated"].map((d) => newestMtime(path.join(root, d)));
  return Math.max(...sources) > built;
}

async function main() {
  if (databaseUrl.startsWith("file:")) {
    const file = path.resolve(root, databaseUrl.slice("file:".length));
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  run(process.execPath, [path.join(root, "scripts", "prisma.cjs"), "migrate", "deploy"]);
  if (env.SEED_DEMO !== "0" && (await seedDemo(databaseUrl))) {
    console.log("[prepare] seeded demo accounts (password demo1234): admin@, alice@, bob@example.com");
  }
  if (env.SKIP_BUILD !== "1" && buildIsStale()) {
    console.log("[prepare] building the app (first start, or sources changed)…");
    run(process.execPath, [require.resolve("next/dist/bin/next"), "build"]);
  }
}

void main();
