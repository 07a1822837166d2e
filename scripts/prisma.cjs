// `node scripts/prisma.cjs <args>`: the Prisma CLI with the long-timer preload.
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const cli = require.resolve("prisma/build/index.js");
const preload = path.join(__dirname, "unref-long-timers.cjs");
const r = spawnSync(process.execPath, ["-r", preload, cli, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
