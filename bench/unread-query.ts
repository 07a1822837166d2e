// Times the real unread-count query (lib/notifications/queries.ts) against a database with many rows.
// Run by bench/announcements.ts as a child process:
//   DATABASE_URL=file:… node --conditions=react-server --import tsx bench/unread-query.ts <userId> [<userId> …]
// (`react-server` makes `server-only` importable outside Next.) Prints one JSON line.
import { performance } from "node:perf_hooks";
import { db } from "../lib/db/client";
import { countUnread } from "../lib/notifications/queries";
import { viewerOf } from "../lib/notifications/viewer";

const ROUNDS = 200;

async function main(): Promise<void> {
  const users = process.argv.slice(2);
  if (!users.length) throw new Error("usage: unread-query.ts <userId>…");
  // Warm up: the viewer cache, SQLite's page cache, Prisma's query plans.
  for (const u of users) {
    await viewerOf(u);
    await countUnread(u);
  }
  const times: number[] = [];
  let checksum = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const u of users) {
      const t0 = performance.now();
      checksum += await countUnread(u);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
  console.log(JSON.stringify({ n: times.length, p50: at(50), p99: at(99), max: times.at(-1), checksum }));
  await db.$disconnect();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
