// The announcements benchmark (issue 4): what an announcement to everyone costs as the site grows,
// the unread-count query on a big table, and a broadcast reaching N open SSE connections.
//
//   npm run bench:announcements -- [--small 100] [--large 100000] [--posts 15] [--rows 1000000] [--clients 1000]
//
// 1. POST /api/admin/announcements {audience: all} against the production build with `small` and
//    then `large` accounts (inserted straight into the SQLite file): median time per request, and
//    large / small as a ratio (fan-out on read: it should not grow with the number of users).
// 2. The real countUnread() (lib/notifications/queries.ts) run in a child process against a file
//    with `rows` notification rows spread over 10,000 users, plus the broadcast rows of step 1.
// 3. With `clients` SSE streams open (one per user), the time from the POST until the first and
//    the last of them has parsed the announcement.
// Prints a table; asserts nothing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createPrismaClient } from "../lib/db/create";
import { TestClient } from "../test/client";
import { startServer, type TestServer } from "../test/server-harness";
import { benchUsers, prepareDatabase, sessionCookies, type BenchDatabase, type BenchUser } from "./lib/accounts";
import { listen, openSse, type Conn } from "./lib/clients";
import { median, pool, positiveInt, sleep } from "./lib/util";

const { values: args } = parseArgs({
  options: {
    small: { type: "string", default: "100" },
    large: { type: "string", default: "100000" },
    posts: { type: "string", default: "15" },
    rows: { type: "string", default: "1000000" },
    clients: { type: "string", default: "1000" },
  },
});
const int = positiveInt;
const SMALL = int("small", args.small);
const LARGE = int("large", args.large);
const POSTS = int("posts", args.posts);
const ROWS = int("rows", args.rows);
const CLIENTS = Math.min(int("clients", args.clients), LARGE);
const ROW_USERS = 10_000;

const root = path.resolve(__dirname, "..");
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

/** A fresh, migrated SQLite file with the demo accounts and `users` more. */
async function database(users: number, label: string): Promise<BenchDatabase & { users: BenchUser[]; userIds: string[] }> {
  const accounts = benchUsers(users, `bench${label}`);
  return { ...(await prepareDatabase(accounts)), users: accounts, userIds: accounts.map((u) => u.id) };
}

async function adminOf(server: TestServer): Promise<TestClient> {
  const admin = new TestClient(server.baseUrl);
  if (!(await admin.signIn("admin@example.com"))) throw new Error("admin sign-in failed");
  return admin;
}

async function announce(admin: TestClient, title: string): Promise<number> {
  const t0 = performance.now();
  const res = await admin.fetch("/api/admin/announcements", {
    method: "POST",
    json: { title, body: "A **benchmark** announcement to everyone.", audience: { type: "all" } },
  });
  const elapsed = performance.now() - t0;
  if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return elapsed;
}

/** Median time of POSTs to everyone, after a warm-up. */
async function timePosts(admin: TestClient, label: string): Promise<number[]> {
  for (let i = 0; i < 3; i++) await announce(admin, `warm-up ${label} ${i}`);
  const times: number[] = [];
  for (let i = 0; i < POSTS; i++) times.push(await announce(admin, `timed ${label} ${i}`));
  return times;
}

async function broadcastFanOut(server: TestServer, admin: TestClient, accounts: BenchUser[]): Promise<{ first: number; last: number; open: number }> {
  const users = accounts.slice(0, CLIENTS);
  const cookies = await sessionCookies(users);
  const streams: Conn[] = [];
  const t0 = performance.now();
  await pool(users, 50, async (_u, i) => void streams.push(await openSse(`${server.baseUrl}/api/realtime/sse`, { cookie: cookies[i]! }, i)));
  const open = performance.now() - t0;
  await sleep(500);
  const arrivals = new Map<number, number>();
  let all: () => void = () => {};
  const done = new Promise<void>((r) => (all = r));
  const unlisten = listen("fan-out", (t, client) => {
    if (!arrivals.has(client)) arrivals.set(client, t);
    if (arrivals.size === users.length) all();
  });
  const sent = performance.now();
  await announce(admin, "fan-out");
  await done;
  unlisten();
  for (const s of streams) s.close();
  const times = [...arrivals.values()].map((at) => at - sent);
  return { first: Math.min(...times), last: Math.max(...times), open };
}

function unreadQuery(url: string, userIds: string[]): { p50: number; p99: number; n: number } {
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "bench", "unread-query.ts"), ...userIds], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`unread-query failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { p50: number; p99: number; n: number };
}

async function addRows(url: string, userIds: string[]): Promise<void> {
  const db = createPrismaClient(url);
  const owners = userIds.slice(0, ROW_USERS);
  const batch = 10_000;
  for (let i = 0; i < ROWS; i += batch) {
    await db.notification.createMany({
      data: Array.from({ length: Math.min(batch, ROWS - i) }, (_, j) => {
        const n = i + j;
        return { userId: owners[n % owners.length]!, kind: "message", title: `Row ${n}`, body: "x", readAt: n % 3 === 0 ? null : new Date() };
      }),
    });
  }
  await db.$disconnect();
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.error("No production build: run `npm run build` first.");
    process.exit(2);
  }
  console.log(`announcements bench: ${SMALL} vs ${LARGE} accounts, ${POSTS} timed POSTs each; ${ROWS} rows; ${CLIENTS} SSE clients\n`);

  const small = await database(SMALL, "s");
  let server = await startServer({ dir: small.dir });
  const smallTimes = await timePosts(await adminOf(server), "small");
  await server.stop();

  const large = await database(LARGE, "l");
  server = await startServer({ dir: large.dir });
  const admin = await adminOf(server);
  const largeTimes = await timePosts(admin, "large");
  const fan = await broadcastFanOut(server, admin, large.users);
  await server.stop({ keepData: true });

  console.log(`adding ${ROWS} notification rows over ${Math.min(ROW_USERS, LARGE)} users…`);
  await addRows(large.url, large.userIds);
  const probe = [large.userIds[0]!, large.userIds[1]!, large.userIds[Math.min(LARGE, ROW_USERS) - 1]!, large.userIds[LARGE - 1]!];
  const query = unreadQuery(large.url, probe);

  const rows = [
    ["POST announcement to everyone, median", `${SMALL} accounts`, ms(median(smallTimes))],
    ["", `${LARGE} accounts`, ms(median(largeTimes))],
    ["", "ratio large / small", `${(median(largeTimes) / median(smallTimes)).toFixed(2)}×`],
    ["countUnread() with " + ROWS.toLocaleString("en") + " rows", "p50 / p99", `${ms(query.p50)} / ${ms(query.p99)}`],
    [`broadcast to ${CLIENTS} open SSE streams`, "first / last event", `${ms(fan.first)} / ${ms(fan.last)}`],
    ["", `opening ${CLIENTS} streams`, ms(fan.open)],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(`${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padStart(w[2]!)}`);
  for (const d of [small, large]) await d.drop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
