// `node scripts/prisma.cjs <args>`: the Prisma CLI with the long-timer preload. DATABASE_URL picks the
// provider (prisma.config.ts). `generate` makes both clients, SQLite's and PostgreSQL's, so one install
// runs on either database.
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const cli = require.resolve("prisma/build/index.js");
const preload = path.join(__dirname, "unref-long-timers.cjs");
const args = process.argv.slice(2);

function run(env) {
  const r = spawnSync(process.execPath, ["-r", preload, cli, ...args], { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (args[0] === "generate" && !args.includes("--schema")) {
  // The URLs only select the schema; generate connects to nothing.
  const status = run({ DATABASE_URL: "file:./data/app.db" }) || run({ DATABASE_URL: "postgresql://localhost/generate" });
  process.exit(status);
}
process.exit(run({}));
