// The live-update benchmark (issues 3 and 5): for each client count and each transport, N real clients
// held open against the production build (server.ts over .next, via test/server-harness), and the same
// workload in the same run against a bare Node server speaking the same transport (the limit,
// bench/bare-server.mjs) and against a Socket.IO server (the peer, bench/socketio-server.mjs), so our
// figures read as ratios to both; on request (--peers …,socketio-store), also against a Socket.IO
// server that stores every message with Prisma before it emits it, as ours does (the like-for-like
// peer, bench/socketio-store-server.ts). Per run: announcement fan-out (one POST to everyone → the
// last client has it), personal-message latency, server RSS and heap per connection, server CPU.
// Short polling ("poll") is a separate scenario: clients GET the unread count every P seconds with an ETag.
//
//   npm run bench -- [--clients 1000,5000,10000 | --quick] [--transports sse,ws,longpoll,poll]
//                    [--peers bare,socketio[,socketio-store] | none] [--fanouts 5] [--messages 200] [--concurrency 4]
//                    [--instances 2 --redis redis://127.0.0.1:6379] [--database postgres://127.0.0.1:5432/test]
//                    [--poll-clients 200] [--poll-interval 10] [--poll-messages 40]
//                    [--heap-snapshot] [--cpu-profile] [--send api | admin]
//
// One server at a time, each fresh (its memory is its own); the clients are in this process
// (bench/lib/clients.ts) and identical for every server. Prints a markdown summary (every figure, its
// ratio to the bare server and to each Socket.IO peer, targets marked) and the detailed tables, and
// writes them to bench/results/<timestamp>.md. Memory: VmRSS from /proc, and the JS heap after a
// forced GC read through each server's inspector. CPU: utime + stime from /proc/<pid>/stat around
// each phase.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { EVENT_TIMEOUT_MS, eventCounts, keepAliveAgent, listen, longPollStats, type ClientKind, type Conn } from "./lib/clients";
import { heapAfterGc, heapHistogram, histogramDiff, silenceInspectorNoise, startProfile, type Heap } from "./lib/inspector";
import { cpuMs, cpuShare, ensureOpenFiles, ownCpuMs, sampleRss, untilQuiet } from "./lib/proc";
import { startBare, startNext, startSocketIo, startSocketIoStore, type Server, type ServerKind } from "./lib/servers";
import { fmt, median, pool, positiveInt, positiveInts, positiveNumber, sleep, stats, subsetOf, type Stats } from "./lib/util";

const WARMUP_CONNECTIONS = 4;
const WARMUP_MESSAGES = 20;
const OPEN_CONCURRENCY = 50;
const SETTLE_MS = 1500;
/** Short polling: how long the server's CPU is read with no client, before the pollers start. */
const IDLE_WINDOW_MS = 5000;
/** The targets of issue 5 (STACK.md): RSS per live connection, fan-out against the bare server, p99 at 1k. */
const TARGET_RSS_KIB = 12_000 / 1024; // 12 KB
const TARGET_FANOUT_RATIO = 1.3;
const TARGET_P99_MS = 20;
const TARGET_P99_CLIENTS = 1000;

const TRANSPORTS = ["sse", "ws", "longpoll"] as const;
type Transport = (typeof TRANSPORTS)[number];
type Scenario = Transport | "poll";
const SCENARIOS: readonly Scenario[] = [...TRANSPORTS, "poll"];
const PEERS = ["bare", "socketio", "socketio-store"] as const;
/** The like-for-like peer only on request: one more server (and database) per client count. */
const DEFAULT_PEERS = "bare,socketio";
const DEFAULT_SIZES = "1000,5000,10000";

const { values: args } = parseArgs({
  options: {
    transports: { type: "string", default: SCENARIOS.join(",") },
    clients: { type: "string" },
    quick: { type: "boolean", default: false },
    peers: { type: "string", default: DEFAULT_PEERS },
    fanouts: { type: "string", default: "5" },
    messages: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    instances: { type: "string", default: "1" },
    redis: { type: "string" },
    database: { type: "string" },
    "poll-clients": { type: "string", default: "200" },
    "poll-interval": { type: "string", default: "10" },
    "poll-messages": { type: "string", default: "40" },
    "heap-snapshot": { type: "boolean", default: false },
    "cpu-profile": { type: "boolean", default: false },
    send: { type: "string", default: "api" },
  },
});
if (args.quick && args.clients) {
  console.error("--quick is --clients 1000: give one or the other");
  process.exit(2);
}
/** Client counts, ascending; every transport and every server runs at each. */
const SIZES = positiveInts("clients", args.quick ? "1000" : (args.clients ?? DEFAULT_SIZES));
const M = positiveInt("messages", args.messages);
const C = positiveInt("concurrency", args.concurrency);
const FANOUTS = positiveInt("fanouts", args.fanouts);
const INSTANCES = positiveInt("instances", args.instances);
const REDIS_URL = args.redis;
const POSTGRES_URL = args.database;
const POLL_N = positiveInt("poll-clients", args["poll-clients"]);
const POLL_INTERVAL_MS = positiveNumber("poll-interval", args["poll-interval"]) * 1000;
const POLL_M = Math.min(positiveInt("poll-messages", args["poll-messages"]), POLL_N);
/** Also diff heap snapshots (idle vs N connections) per constructor: slow and memory-hungry, a diagnostic. */
const SNAPSHOT = args["heap-snapshot"] ?? false;
/** Also sample our server's CPU during the message passes and print where it went (a diagnostic: it perturbs the figures). */
const PROFILE = args["cpu-profile"] ?? false;
/** Personal messages: as a backend sends them (the API key endpoint), or as an admin's announcement to one user. */
const SEND = args.send === "admin" ? "admin" : args.send === "api" ? "api" : null;
if (!SEND) {
  console.error(`--send takes api or admin (got ${args.send})`);
  process.exit(2);
}
const SELECTED = subsetOf("transports", args.transports ?? "", SCENARIOS);
const SELECTED_PEERS = subsetOf("peers", args.peers ?? "", PEERS, "none");
if (INSTANCES > 1 && !REDIS_URL) {
  console.error(`--instances ${INSTANCES} needs --redis redis://…: without a bus an instance never hears of another's messages`);
  process.exit(2);
}
if (REDIS_URL && !/^rediss?:\/\//.test(REDIS_URL)) {
  console.error(`--redis takes a redis://… URL (got ${REDIS_URL})`);
  process.exit(2);
}
if (POSTGRES_URL && !/^postgres(ql)?:\/\//.test(POSTGRES_URL)) {
  console.error(`--database takes a postgres://… URL (got ${POSTGRES_URL}); without it the servers run on a SQLite file`);
  process.exit(2);
}

silenceInspectorNoise();

const startOurs = (users: number) => () => startNext({ users, instances: INSTANCES, redisUrl: REDIS_URL, postgresUrl: POSTGRES_URL, send: SEND });
/** On the same kind of database as ours (a SQLite file, or PostgreSQL with --database). */
const startStorePeer = (users: number) => () => startSocketIoStore(users, POSTGRES_URL);

/** A server's name in the report (as its Server's name, known before it starts). */
function serverName(kind: ServerKind): string {
  switch (kind) {
    case "next":
      return INSTANCES > 1 ? `next ×${INSTANCES}` : "next";
    case "bare":
      return "bare";
    case "socketio":
      return "socket.io";
    case "socketio-store":
      return "socket.io+store";
  }
}

// ---------------------------------------------------------------------------------------------
// The workload, for one server and one transport

type Pass = {
  concurrency: number;
  latency: Stats;
  post: Stats;
  lost: number;
  wallMs: number;
  serverCpuMs: number;
  clientCpuMs: number;
  /** With several instances: POST→event p50 for recipients on each (the POST always goes to the first). */
  p50ByInstance: number[];
  /** Long-poll answers during the pass: with events, and empty (timed out). */
  polls?: { withEvents: number; empty: number; errors: number };
};

/** One announcement to everyone, from the POST's start: when the first, the median and the last client had it. */
type FanOut = { firstMs: number; p50Ms: number; lastMs: number; postMs: number; serverCpuMs: number; lost: number; lastByInstance: number[] };

type Result = {
  name: string;
  server: ServerKind;
  client: ClientKind;
  n: number;
  rssIdleKiB: number;
  rssOpenKiB: number;
  rssAfterKiB: number;
  heapIdle: Heap;
  heapOpen: Heap;
  heapAfter: Heap;
  heapClosed: Heap;
  rssAfterGcKiB: number;
  snapshotDiff?: string;
  messageDiff?: string;
  profile?: string;
  /** With --cpu-profile: where the server's CPU went during the timed announcements to everyone. */
  fanoutProfile?: string;
  open: Stats;
  openWallMs: number;
  openCpuMs: number;
  fanouts: FanOut[];
  passes: Pass[];
};
type Failure = { name: string; server: ServerKind; client: ClientKind; n: number; error: string };
type Outcome = Result | Failure;
const failed = (o: Outcome | undefined): o is Failure => o !== undefined && "error" in o;

let titleSeq = 0;
/** What the current measurement is doing, for the message when it fails. */
let phase = "";

async function sendOne(server: Server, i: number, timeoutMs = EVENT_TIMEOUT_MS): Promise<{ latency: number; post: number } | null> {
  const title = `bench-${server.kind}-${++titleSeq}`;
  let timer: NodeJS.Timeout | undefined;
  let unlisten = () => {};
  const arrived = new Promise<number | null>((resolve) => {
    unlisten = listen(title, (t) => resolve(t));
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const t0 = performance.now();
    const status = await server.send(i, title).catch((e: unknown) => (console.error(`[bench] ${server.name}: send to #${i} failed:`, e), 0));
    const post = performance.now() - t0;
    if (status !== 201) {
      console.error(`[bench] ${server.name}: send to #${i} → HTTP ${status}`);
      return null;
    }
    const t = await arrived;
    return t === null ? null : { latency: t - t0, post };
  } finally {
    clearTimeout(timer);
    unlisten();
  }
}

/**
 * One announcement to everyone; waits until each of clients first..first+count-1 has it (or a timeout
 * that grows with the count), and reads the servers' CPU over the same span.
 */
async function fanOut(server: Server, first: number, count: number): Promise<FanOut> {
  const title = `fanout-${server.kind}-${++titleSeq}`;
  const arrivals = new Array<number>(count).fill(NaN);
  let got = 0;
  let all: () => void = () => {};
  const done = new Promise<void>((r) => (all = r));
  const unlisten = listen(title, (t, client) => {
    const k = client - first;
    if (k < 0 || k >= count || !Number.isNaN(arrivals[k])) return;
    arrivals[k] = t;
    if (++got === count) all();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const cpu0 = cpuMs(server.pids);
    const t0 = performance.now();
    const status = await server.broadcast(title);
    const postMs = performance.now() - t0;
    if (status !== 201) throw new Error(`announcement to everyone → HTTP ${status}`);
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, EVENT_TIMEOUT_MS + 3 * count)))]);
    const serverCpuMs = cpuMs(server.pids) - cpu0;
    const offsets = arrivals.filter((t) => !Number.isNaN(t)).map((t) => t - t0);
    const s = stats(offsets);
    const lastByInstance = server.pids.map((_, j) =>
      Math.max(...arrivals.filter((t, k) => server.instanceOf(first + k) === j && !Number.isNaN(t)).map((t) => t - t0)),
    );
    return { firstMs: s.n ? Math.min(...offsets) : NaN, p50Ms: s.p50, lastMs: s.max, postMs, serverCpuMs, lost: count - got, lastByInstance };
  } finally {
    clearTimeout(timer);
    unlisten();
  }
}

/** Message k of a pass goes to a client spread across all n (a stride coprime with n). */
function recipients(n: number, count: number, offset: number): number[] {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let stride = Math.max(1, Math.floor(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return Array.from({ length: count }, (_, k) => (offset + k * stride) % n);
}

async function runPass(server: Server, client: ClientKind, n: number, concurrency: number, offset: number): Promise<Pass> {
  const latency: number[] = [];
  const byInstance: number[][] = server.pids.map(() => []);
  const post: number[] = [];
  let lost = 0;
  const polls0 = { ...longPollStats };
  const cpu0 = cpuMs(server.pids);
  const own0 = ownCpuMs();
  const t0 = performance.now();
  await pool(recipients(n, M, offset), concurrency, async (i) => {
    const r = await sendOne(server, i);
    if (!r) lost++;
    else {
      latency.push(r.latency);
      byInstance[server.instanceOf(i)]!.push(r.latency);
      post.push(r.post);
    }
  });
  const wallMs = performance.now() - t0;
  return {
    concurrency,
    latency: stats(latency),
    post: stats(post),
    lost,
    wallMs,
    serverCpuMs: cpuMs(server.pids) - cpu0,
    clientCpuMs: ownCpuMs() - own0,
    p50ByInstance: byInstance.map((xs) => median(xs)),
    polls:
      client === "longpoll"
        ? {
            withEvents: longPollStats.withEvents - polls0.withEvents,
            empty: longPollStats.empty - polls0.empty,
            errors: longPollStats.errors - polls0.errors,
          }
        : undefined,
  };
}

function describeLive(live: Record<string, number> | null): string {
  return live ? `; the server holds ${Object.entries(live).map(([t, k]) => `${k} ${t}`).join(", ")}` : "";
}

/**
 * With several instances, every POST goes to the first: a client on another instance hears of it only
 * over the bus. Fails fast when it does not (else every such message would wait out its timeout).
 */
async function crossInstanceCheck(server: Server, n: number): Promise<void> {
  for (let k = 1; k < server.pids.length; k++) {
    const i = Array.from({ length: WARMUP_CONNECTIONS }, (_, j) => n + j).find((j) => server.instanceOf(j) === k);
    if (i === undefined) continue;
    if (!(await sendOne(server, i, 5000))) {
      throw new Error(
        `a client on instance ${k + 1} did not get a message posted to instance 1 within 5 s: the bus between instances ` +
          `is not carrying events (does this build use REDIS_URL?)`,
      );
    }
  }
}

/**
 * The whole workload on a fresh server: warm up; idle memory; open n clients; memory with them;
 * one untimed and FANOUTS timed announcements to everyone; M personal messages one at a time, M more
 * with C in flight; memory after; close everything; heap once more.
 */
async function measure(start: () => Promise<Server>, client: ClientKind, n: number): Promise<Result> {
  phase = "starting the server";
  const server = await start();
  const name = `${server.name} ${client}`;
  const conns: Conn[] = [];
  try {
    phase = "warming up";
    // Warm up: load the connect, send and broadcast paths, JIT them, fill the connection pools.
    const warm = await Promise.all(Array.from({ length: WARMUP_CONNECTIONS }, (_, k) => server.open(client, n + k)));
    await crossInstanceCheck(server, n);
    for (let k = 0; k < WARMUP_MESSAGES; k++) await sendOne(server, n + (k % WARMUP_CONNECTIONS));
    await fanOut(server, n, WARMUP_CONNECTIONS);
    for (const c of warm) c.close();
    await sleep(SETTLE_MS);
    // Both readings follow a forced full GC, so RSS before and after opening are comparable.
    const heapIdle = await heapAfterGc(server.inspectPorts);
    const rssIdleKiB = await sampleRss(server.pids);
    const histIdle = SNAPSHOT ? await heapHistogram(server.inspectPorts[0]!) : undefined;

    phase = `opening ${n} connections`;
    const opened: number[] = [];
    const cpu0 = cpuMs(server.pids);
    const tOpen = performance.now();
    await pool(
      Array.from({ length: n }, (_, i) => i),
      OPEN_CONCURRENCY,
      async (i) => {
        const c = await server.open(client, i);
        conns.push(c);
        opened.push(c.openedMs);
      },
    );
    const openWallMs = performance.now() - tOpen;
    const openCpuMs = cpuMs(server.pids) - cpu0;
    await untilQuiet(server.pids, { minMs: SETTLE_MS });
    const heapOpen = await heapAfterGc(server.inspectPorts);
    const rssOpenKiB = await sampleRss(server.pids);
    const histOpen = histIdle ? await heapHistogram(server.inspectPorts[0]!) : undefined;
    const snapshotDiff = histIdle && histOpen ? histogramDiff(histIdle, histOpen, n, "per connection") : undefined;
    console.log(`[bench] ${name}: ${n} connections open in ${Math.round(openWallMs)} ms${describeLive(await server.live())}`);

    // Announcements to everyone: one untimed, then the timed ones, each once the last one's work is done
    // (quiet: back to what the open connections burn on their own, e.g. long-polls timing out).
    const background = await cpuShare(server.pids, 2000);
    const calm = background + 0.15;
    console.log(`[bench] ${name}: with ${n} connections open and no traffic the server burns ${fmt(100 * background, 0)} % of a core`);
    phase = "the untimed announcement to everyone";
    await fanOut(server, 0, n);
    const fanouts: FanOut[] = [];
    const fanoutProfiler = PROFILE ? await startProfile(server.inspectPorts[0]!) : undefined;
    for (let k = 0; k < FANOUTS; k++) {
      const share = await untilQuiet(server.pids, { cores: calm });
      if (share >= calm) console.log(`[bench] ${name}: the server did not go quiet before fan-out ${k + 1} (${fmt(100 * share, 0)} % of a core)`);
      phase = `announcement to everyone ${k + 1} of ${FANOUTS}`;
      fanouts.push(await fanOut(server, 0, n));
    }
    const fanoutProfile = await fanoutProfiler?.stop();
    const f = fanouts.map((x) => `${fmt(x.lastMs, 0)}${x.lost ? ` (${x.lost} lost)` : ""}`).join(", ");
    console.log(`[bench] ${name}: ${FANOUTS} announcements to everyone, last client after ${f} ms`);
    await untilQuiet(server.pids, { cores: calm });

    const profiler = PROFILE ? await startProfile(server.inspectPorts[0]!) : undefined;
    phase = "the personal messages";
    const passes = [await runPass(server, client, n, 1, 0), await runPass(server, client, n, C, Math.floor(n / 2))];
    phase = "reading memory after the messages";
    const profile = await profiler?.stop();
    await sleep(SETTLE_MS);
    const liveAfter = await server.live();
    if (liveAfter) console.log(`[bench] ${name}: after the passes${describeLive(liveAfter)}`);
    const rssAfterKiB = await sampleRss(server.pids); // before a GC: what traffic leaves behind
    const heapAfter = await heapAfterGc(server.inspectPorts);
    const rssAfterGcKiB = await sampleRss(server.pids);
    const messageDiff = histOpen ? histogramDiff(histOpen, await heapHistogram(server.inspectPorts[0]!), 2 * M, "per message") : undefined;
    for (const p of passes) {
      const polls = p.polls ? `; long-polls answered: ${p.polls.withEvents} with events, ${p.polls.empty} timed out, ${p.polls.errors} failed` : "";
      console.log(`[bench] ${name}: ${M} messages at concurrency ${p.concurrency} in ${Math.round(p.wallMs)} ms (${p.lost} lost${polls})`);
    }
    // Close every connection: what the heap keeps afterwards is not held by a connection.
    for (const c of conns.splice(0)) c.close();
    await sleep(SETTLE_MS);
    const heapClosed = await heapAfterGc(server.inspectPorts);
    return {
      name,
      server: server.kind,
      client,
      n,
      rssIdleKiB,
      rssOpenKiB,
      rssAfterKiB,
      rssAfterGcKiB,
      heapIdle,
      heapOpen,
      heapAfter,
      heapClosed,
      snapshotDiff,
      messageDiff,
      profile,
      fanoutProfile,
      open: stats(opened),
      openWallMs,
      openCpuMs,
      fanouts,
      passes,
    };
  } finally {
    for (const c of conns) c.close();
    await sleep(200);
    await server.stop();
  }
}

/** `measure`, but a run that fails (a client that never opened, a server that did not start) is recorded, not fatal. */
async function attempt(start: () => Promise<Server>, kind: ServerKind, client: ClientKind, n: number): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const r = await measure(start, client, n);
    console.log(`[bench] ${r.name} at ${n} clients took ${fmt((performance.now() - t0) / 1000, 0)} s`);
    return r;
  } catch (e) {
    // fetch's own message is "fetch failed"; what failed is in its cause.
    const why = (x: unknown): string => (x instanceof Error ? x.message.split("\n")[0]! + (x.cause ? `: ${why(x.cause)}` : "") : String(x));
    const error = `${why(e)} (during ${phase})`;
    const name = `${serverName(kind)} ${client}`;
    console.error(`[bench] ${name} at ${n} clients failed after ${fmt((performance.now() - t0) / 1000, 0)} s: ${error}`);
    await sleep(2000); // let the sockets of the failed run close before the next server starts
    return { name, server: kind, client, n, error };
  }
}

// ---------------------------------------------------------------------------------------------
// Short polling: GET the unread count every P seconds with If-None-Match

type PollResult = {
  name: string;
  rssKiB: number;
  windowMs: number;
  requests: number;
  ok: number;
  notModified: number;
  errors: number;
  response: Stats;
  serverCpuMs: number;
  /** Server CPU per ms of wall time with no client at all (timers, metrics): subtracted per poll. */
  idleCpuPerMs: number;
  latency: Stats;
  lost: number;
};

type Poller = { stop(): void };
type PollWindow = { requests: number; ok: number; notModified: number; errors: number; response: number[] };

/**
 * Client `i` polls at a fixed cadence from `phaseMs`, keeping the ETag; `onRise(i, t)` when the count it
 * sees goes up. Counts every answer into `win()` (the current measuring window).
 */
function startPoller(server: Server, i: number, phaseMs: number, win: () => PollWindow, onRise: (i: number, t: number) => void): Poller {
  let etag: string | undefined;
  let count: number | undefined;
  let stopped = false;
  let current: http.ClientRequest | undefined;
  let nextAt = performance.now() + phaseMs;
  let timer = setTimeout(tick, phaseMs);
  function schedule() {
    if (stopped) return;
    nextAt += POLL_INTERVAL_MS;
    timer = setTimeout(tick, Math.max(0, nextAt - performance.now()));
  }
  function tick() {
    if (stopped) return;
    const t0 = performance.now();
    const headers: Record<string, string> = { accept: "application/json", ...server.headers(i) };
    if (etag) headers["if-none-match"] = etag;
    let done = false;
    const finish = (status: number, body: string) => {
      if (done || stopped) return;
      done = true;
      const t = performance.now();
      const w = win();
      w.requests++;
      w.response.push(t - t0);
      if (status === 304) w.notModified++;
      else if (status === 200) {
        w.ok++;
        const answer = JSON.parse(body) as { unreadCount: number };
        if (count !== undefined && answer.unreadCount > count) onRise(i, t);
        count = answer.unreadCount;
      } else w.errors++;
      schedule();
    };
    current = http.get(server.countUrl(i), { agent: keepAliveAgent, headers }, (res) => {
      const e = res.headers.etag;
      if (res.statusCode === 200 && typeof e === "string") etag = e;
      res.setEncoding("utf8");
      let body = "";
      res.on("data", (c: string) => (body += c));
      res.on("end", () => finish(res.statusCode ?? 0, body));
      res.on("error", () => finish(0, ""));
    });
    current.on("error", () => finish(0, ""));
  }
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      current?.destroy();
    },
  };
}

async function measurePoll(start: () => Promise<Server>): Promise<PollResult> {
  const server = await start();
  const name = `${server.name} poll`;
  const pollers: Poller[] = [];
  const fresh = (): PollWindow => ({ requests: 0, ok: 0, notModified: 0, errors: 0, response: [] });
  let window = fresh();
  const rises = new Map<number, (t: number) => void>();
  const onRise = (i: number, t: number) => {
    rises.get(i)?.(t);
    rises.delete(i);
  };
  try {
    // Warm up the count and send routes (a few of each, on the warm-up users).
    for (let k = 0; k < WARMUP_MESSAGES; k++) {
      const w = POLL_N + (k % WARMUP_CONNECTIONS);
      const res = await fetch(server.countUrl(w), { headers: server.headers(w) });
      await res.arrayBuffer();
      await server.send(w, `bench-warm-${++titleSeq}`);
    }
    // What the server burns with no client at all, so the per-poll figure is the polls' own.
    await sleep(SETTLE_MS);
    const idle0 = cpuMs(server.pids);
    const tIdle = performance.now();
    await sleep(IDLE_WINDOW_MS);
    const idleCpuPerMs = (cpuMs(server.pids) - idle0) / (performance.now() - tIdle);
    // Start every client, their first polls spread evenly over one interval, and let each poll once.
    for (let i = 0; i < POLL_N; i++) pollers.push(startPoller(server, i, (i / POLL_N) * POLL_INTERVAL_MS, () => window, onRise));
    await sleep(POLL_INTERVAL_MS + SETTLE_MS);

    // Quiet window, two intervals: the cost of polling alone.
    window = fresh();
    const cpu0 = cpuMs(server.pids);
    const t0 = performance.now();
    await sleep(2 * POLL_INTERVAL_MS);
    const windowMs = performance.now() - t0;
    const serverCpuMs = cpuMs(server.pids) - cpu0;
    const quiet = window;
    window = fresh(); // polls from here on are not the quiet window's
    const rssKiB = await sampleRss(server.pids);
    console.log(`[bench] ${name}: ${quiet.requests} polls in ${Math.round(windowMs)} ms`);

    // Messages to distinct clients, a quarter second apart; each is seen at that client's next poll.
    const latency: number[] = [];
    let lost = 0;
    const deliveries: Promise<void>[] = [];
    for (const i of recipients(POLL_N, POLL_M, 0)) {
      const arrived = new Promise<number | null>((resolve) => {
        rises.set(i, resolve);
        setTimeout(() => resolve(null), 2 * POLL_INTERVAL_MS + EVENT_TIMEOUT_MS);
      });
      const tSend = performance.now();
      const status = await server.send(i, `bench-poll-${++titleSeq}`);
      if (status !== 201) console.error(`[bench] ${name}: send to #${i} → HTTP ${status}`);
      deliveries.push(
        arrived.then((t) => {
          if (t === null || status !== 201) lost++;
          else latency.push(t - tSend);
        }),
      );
      await sleep(250);
    }
    await Promise.all(deliveries);
    console.log(`[bench] ${name}: ${POLL_M} messages seen by their pollers (${lost} lost)`);
    return {
      name,
      rssKiB,
      windowMs,
      requests: quiet.requests,
      ok: quiet.ok,
      notModified: quiet.notModified,
      errors: quiet.errors,
      response: stats(quiet.response),
      serverCpuMs,
      idleCpuPerMs,
      latency: stats(latency),
      lost,
    };
  } finally {
    for (const p of pollers) p.stop();
    await sleep(200);
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Report

const fanMedian = (r: Result, f: (x: FanOut) => number) => median(r.fanouts.map(f));
/** The mean over the timed fan-outs: one alone is often below the clock tick (10 ms). */
const fanCpu = (r: Result) => r.fanouts.reduce((k, f) => k + f.serverCpuMs, 0) / r.fanouts.length;
const fanLost = (r: Result) => r.fanouts.reduce((k, f) => k + f.lost, 0);
const passLost = (r: Result) => r.passes.reduce((k, p) => k + p.lost, 0);
const SHORT: Record<ClientKind, string> = { sse: "sse", ws: "ws", longpoll: "lp", socketio: "sio" };
const PEER_NAME = "socket.io (websocket)";

/** A ratio of two figures that print as zero (or below) says nothing. */
function ratio(a: number, b: number, digits = 1): number {
  return Number(fmt(a, digits)) > 0 && Number(fmt(b, digits)) > 0 ? a / b : NaN;
}
const times = (x: number) => (Number.isFinite(x) ? `${fmt(x, 2)}×` : "—");

/** A markdown table with right-aligned figure columns, padded for reading as text. */
function table(head: string[], rows: string[][], leftColumns = 1): string[] {
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => (c < leftColumns ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join(" | ")} |`;
  const rule = `|${w.map((n, c) => (c < leftColumns ? "-".repeat(n + 2) : `${"-".repeat(n + 1)}:`)).join("|")}|`;
  return [line(head), rule, ...rows.map((r) => line(head.map((_, c) => r[c] ?? "")))];
}

type Row = { label: string; get: (r: Result) => number; digits?: number; ratio?: boolean };

function streamingRows(n: number, passes: number): Row[] {
  const rows: Row[] = [
    { label: `fan-out to ${n}: last client has it (ms, median of ${FANOUTS})`, get: (r) => fanMedian(r, (f) => f.lastMs) },
    { label: "fan-out: median client (ms)", get: (r) => fanMedian(r, (f) => f.p50Ms) },
    { label: "fan-out: first client (ms)", get: (r) => fanMedian(r, (f) => f.firstMs) },
    { label: "fan-out: POST round trip (ms)", get: (r) => fanMedian(r, (f) => f.postMs) },
    { label: "server CPU per fan-out (ms)", get: fanCpu, digits: 0 },
    { label: `fan-out events lost (all ${FANOUTS})`, get: fanLost, digits: 0, ratio: false },
    { label: "server RSS before connections, after GC (MiB)", get: (r) => r.rssIdleKiB / 1024 },
    { label: `server RSS with ${n} connections, after GC (MiB)`, get: (r) => r.rssOpenKiB / 1024 },
    { label: "RSS per open connection (KiB)", get: (r) => (r.rssOpenKiB - r.rssIdleKiB) / n },
    { label: "JS heap per open connection, after GC (KiB)", get: (r) => (r.heapOpen.heapUsed - r.heapIdle.heapUsed) / n },
    { label: "external+buffers per open connection (KiB)", get: (r) => (r.heapOpen.external - r.heapIdle.external) / n },
    { label: `server RSS after the messages, no GC (MiB)`, get: (r) => r.rssAfterKiB / 1024 },
    { label: `server RSS after the messages, after GC (MiB)`, get: (r) => r.rssAfterGcKiB / 1024 },
    { label: `JS heap growth over ${2 * M} messages, after GC (MiB)`, get: (r) => (r.heapAfter.heapUsed - r.heapOpen.heapUsed) / 1024, digits: 2 },
    // Once traffic has flowed, per connection: what a connection that has delivered costs.
    { label: `RSS per connection after the messages, after GC (KiB)`, get: (r) => (r.rssAfterGcKiB - r.rssIdleKiB) / n },
    { label: `JS heap per connection after the messages, after GC (KiB)`, get: (r) => (r.heapAfter.heapUsed - r.heapIdle.heapUsed) / n },
    { label: "JS heap left once all closed, after GC (MiB)", get: (r) => (r.heapClosed.heapUsed - r.heapIdle.heapUsed) / 1024, digits: 2 },
    { label: `open ${n} connections, wall (ms, ${OPEN_CONCURRENCY} in flight)`, get: (r) => r.openWallMs, digits: 0 },
    { label: "server CPU per open (ms)", get: (r) => r.openCpuMs / n, digits: 2 },
    { label: "time to first event p50 (ms)", get: (r) => r.open.p50 },
    { label: "time to first event p99 (ms)", get: (r) => r.open.p99 },
  ];
  for (let k = 0; k < passes; k++) {
    const p = (r: Result) => r.passes[k]!;
    const tag = k === 0 ? "sequential" : `concurrency ${C}`;
    rows.push(
      { label: `POST→event p50 (ms), ${tag}`, get: (r) => p(r).latency.p50 },
      { label: `POST→event p95 (ms), ${tag}`, get: (r) => p(r).latency.p95 },
      { label: `POST→event p99 (ms), ${tag}`, get: (r) => p(r).latency.p99 },
      { label: `POST→event max (ms), ${tag}`, get: (r) => p(r).latency.max },
      { label: `POST round trip p50 (ms), ${tag}`, get: (r) => p(r).post.p50 },
      { label: `messages/s, ${tag}`, get: (r) => (p(r).latency.n / p(r).wallMs) * 1000 },
      { label: `server CPU per message (ms), ${tag}`, get: (r) => p(r).serverCpuMs / M },
      { label: `bench client CPU per message (ms), ${tag}`, get: (r) => p(r).clientCpuMs / M },
      { label: `events lost, ${tag}`, get: (r) => p(r).lost, digits: 0, ratio: false },
    );
  }
  return rows;
}

/** Every figure at one client count: ours per transport, bare per transport, each Socket.IO peer, and the ratios. */
function detailTable(n: number, outcomes: Outcome[]): string[] {
  const at = outcomes.filter((o) => o.n === n);
  const ok = at.filter((o): o is Result => !failed(o));
  const ours = ok.filter((r) => r.server === "next");
  const bare = ok.filter((r) => r.server === "bare");
  const peer = ok.find((r) => r.server === "socketio");
  const store = ok.find((r) => r.server === "socketio-store");
  if (!ok.length) return [];
  type Col = { head: string; value: (row: Row) => string };
  const cols: Col[] = [];
  const figure = (r: Result) => (row: Row) => fmt(row.get(r), row.digits ?? 1);
  const over = (a: Result, b: Result) => (row: Row) => (row.ratio === false ? "" : times(ratio(row.get(a), row.get(b), row.digits)));
  for (const r of ours) cols.push({ head: r.client, value: figure(r) });
  for (const r of bare) cols.push({ head: `bare ${SHORT[r.client]}`, value: figure(r) });
  if (peer) cols.push({ head: "socket.io", value: figure(peer) });
  if (store) cols.push({ head: "socket.io+store", value: figure(store) });
  for (const r of ours) {
    const b = bare.find((x) => x.client === r.client);
    if (b) cols.push({ head: `${SHORT[r.client]}÷bare`, value: over(r, b) });
  }
  if (peer) for (const r of ours) cols.push({ head: `${SHORT[r.client]}÷sio`, value: over(r, peer) });
  if (store) for (const r of ours) cols.push({ head: `${SHORT[r.client]}÷sio+store`, value: over(r, store) });
  const sse = ours.find((r) => r.client === "sse");
  if (sse) for (const r of ours) if (r !== sse) cols.push({ head: `${SHORT[r.client]}÷sse`, value: over(r, sse) });
  const rows = streamingRows(n, Math.min(...ok.map((r) => r.passes.length)));
  const title = `### ${n} clients: every figure${INSTANCES > 1 ? ` (ours: ${INSTANCES} instances)` : ""}`;
  return [
    title,
    "",
    ...table(
      ["metric", ...cols.map((c) => c.head)],
      rows.map((row) => [row.label, ...cols.map((c) => c.value(row))]),
    ),
    "",
  ];
}

type Figure = { head: string; get: (r: Result) => number; digits: number; /** Ours misses an absolute target. */ miss?: (r: Result) => boolean };

const FIGURES: Figure[] = [
  { head: "fan-out last (ms)", get: (r) => fanMedian(r, (f) => f.lastMs), digits: 0, miss: (r) => fanLost(r) > 0 },
  { head: "fan-out p50 (ms)", get: (r) => fanMedian(r, (f) => f.p50Ms), digits: 0 },
  { head: "message p50 (ms)", get: (r) => r.passes[0]!.latency.p50, digits: 1 },
  { head: "message p99 (ms)", get: (r) => r.passes[0]!.latency.p99, digits: 1, miss: (r) => r.n === TARGET_P99_CLIENTS && r.passes[0]!.latency.p99 > TARGET_P99_MS },
  { head: "RSS/conn (KiB)", get: (r) => (r.rssOpenKiB - r.rssIdleKiB) / r.n, digits: 1, miss: (r) => (r.rssOpenKiB - r.rssIdleKiB) / r.n > TARGET_RSS_KIB },
  { head: "heap/conn (KiB)", get: (r) => (r.heapOpen.heapUsed - r.heapIdle.heapUsed) / r.n, digits: 1 },
  { head: "CPU to open all (s)", get: (r) => r.openCpuMs / 1000, digits: 2 },
  { head: "CPU/fan-out (ms)", get: fanCpu, digits: 0 },
  { head: "CPU/message (ms)", get: (r) => r.passes[0]!.serverCpuMs / M, digits: 2 },
];
const FANOUT_FIGURE = 0;

/** The one table: per client count and transport, ours, bare and the ratios to bare and each peer, with every missed target marked ✗. */
function summaryTable(outcomes: Outcome[]): string[] {
  const rows: string[][] = [];
  const figures = (r: Result, ours: boolean) =>
    FIGURES.map((f) => {
      const v = fmt(f.get(r), f.digits);
      if (!ours || !f.miss?.(r)) return v;
      return f === FIGURES[FANOUT_FIGURE] ? `${v} ✗ ${fanLost(r)} lost` : `${v} ✗`;
    });
  const fail = (o: Failure) => [`failed: ${o.error.slice(0, 120)}`];
  const ratioRow = (a: Result, b: Result, bound: (k: number) => number) =>
    FIGURES.map((f, k) => {
      const x = ratio(f.get(a), f.get(b), f.digits);
      // Theirs too small to read (CPU below the clock tick) while ours is not: above it, by how much unknown.
      if (!Number.isFinite(x) && Number(fmt(f.get(a), f.digits)) > 0 && Number(fmt(f.get(b), f.digits)) === 0) return Number.isFinite(bound(k)) ? "∞ ✗" : "∞";
      return Number.isFinite(x) && x > bound(k) ? `${times(x)} ✗` : times(x);
    });
  for (const n of SIZES) {
    const at = outcomes.filter((o) => o.n === n);
    const peer = at.find((o) => o.server === "socketio");
    const store = at.find((o) => o.server === "socketio-store");
    if (peer) rows.push([String(n), PEER_NAME, serverName("socketio"), ...(failed(peer) ? fail(peer) : figures(peer, false))]);
    if (store) rows.push([String(n), PEER_NAME, serverName("socketio-store"), ...(failed(store) ? fail(store) : figures(store, false))]);
    for (const t of TRANSPORTS) {
      const ours = at.find((o) => o.server === "next" && o.client === t);
      const bare = at.find((o) => o.server === "bare" && o.client === t);
      if (!ours) continue;
      const name = serverName("next");
      rows.push([String(n), t, name, ...(failed(ours) ? fail(ours) : figures(ours, true))]);
      if (bare) rows.push([String(n), t, `bare ${t}`, ...(failed(bare) ? fail(bare) : figures(bare, false))]);
      if (!failed(ours) && bare && !failed(bare)) rows.push([String(n), t, `${name} ÷ bare`, ...ratioRow(ours, bare, (k) => (k === FANOUT_FIGURE ? TARGET_FANOUT_RATIO : Infinity))]);
      if (!failed(ours) && peer && !failed(peer)) rows.push([String(n), t, `${name} ÷ socket.io`, ...ratioRow(ours, peer, () => 1)]);
      if (!failed(ours) && store && !failed(store)) rows.push([String(n), t, `${name} ÷ socket.io+store`, ...ratioRow(ours, store, () => 1)]);
    }
  }
  return [
    ...table(["clients", "transport", "server", ...FIGURES.map((f) => f.head)], rows, 3),
    "",
    `Fan-out: one \`POST /api/admin/announcements {audience: {type: "all"}}\` (bare and Socket.IO: \`POST /broadcast\`, one ` +
      `message serialized once and written to every connection; Socket.IO \`io.emit\`), from the POST's start until the last ` +
      `(p50: the median) of the N clients has parsed it; median of ${FANOUTS} after one untimed. Messages: ${M} personal ` +
      `messages one at a time, each to a different client, POST start → that client has it (ours: ${SEND === "api" ? "\`POST /api/v1/notifications\` with an API key, as a backend sends one" : "\`POST /api/admin/announcements\` to one listed user"}; Socket.IO: \`io.to(user).emit\`). ` +
      `RSS/heap per connection: (with N open − before any) ÷ N, both after a forced GC. CPU: server process user + system ` +
      `time while opening all N, per fan-out (POST → last client; the mean), per personal message (sequential pass).${INSTANCES > 1 ? ` Ours is ${INSTANCES} ` +
      `instances (clients alternate between them; every POST goes to the first); RSS, heap and CPU are their sums.` : ""}`,
    "",
    ...(outcomes.some((o) => o.server === "socketio-store")
      ? [
          `socket.io+store (bench/socketio-store-server.ts) is the same Socket.IO server on a database prepared as ours is ` +
            `(${POSTGRES_URL ? "PostgreSQL" : "SQLite, WAL"}, the same users), through Prisma: a handshake reads the user's unread ` +
            `count and newest seq; \`POST /send\` inserts one row per recipient (\`createManyAndReturn\`) and counts that user's ` +
            `unread before \`io.to(user).emit\`; \`POST /broadcast\` inserts one broadcast row before \`io.emit\` (no count: ` +
            `clients add one). No auth, which favours it. The "÷ socket.io+store" rows mark a figure above its ✗ as well.`,
          "",
        ]
      : []),
    `Bare servers speak the same transport as ours (our long-poll against the bare long-poll server). Socket.IO runs its ` +
      `WebSocket transport only (no HTTP long-polling, no upgrade) with socket.io-client, so the "÷ socket.io" rows set ` +
      `every transport of ours against Socket.IO over WebSocket. ✗ marks a missed target: fan-out > ${TARGET_FANOUT_RATIO}× ` +
      `the bare server (the target is stated at 10,000 clients; marked at every size), RSS > 12 KB (${fmt(TARGET_RSS_KIB, 2)} KiB) ` +
      `per connection, any figure above Socket.IO's, message p99 > ${TARGET_P99_MS} ms at ${TARGET_P99_CLIENTS} clients, ` +
      `and clients that never got a fan-out. Lower is better everywhere.`,
    "",
  ];
}

/** With several instances: whether the instance the POST did not reach is slower. */
function instanceTable(outcomes: Outcome[]): string[] {
  const ours = outcomes.filter((o): o is Result => !failed(o) && o.server === "next");
  if (INSTANCES < 2 || !ours.length) return [];
  const letters = Array.from({ length: INSTANCES }, (_, k) => String.fromCharCode(65 + k));
  const rows = ours.map((r) => [
    String(r.n),
    r.client,
    ...letters.map((_, k) => fmt(median(r.fanouts.map((f) => f.lastByInstance[k] ?? NaN)), 0)),
    ...letters.map((_, k) => fmt(r.passes[0]!.p50ByInstance[k] ?? NaN, 1)),
    String(fanLost(r)),
  ]);
  return [
    `### ${INSTANCES} instances: clients on the instance the POST went to (A) and on the other${INSTANCES > 2 ? "s" : ""}`,
    "",
    ...table(
      ["clients", "transport", ...letters.map((l) => `fan-out last, on ${l} (ms)`), ...letters.map((l) => `message p50, on ${l} (ms)`), "fan-out events lost"],
      rows,
      2,
    ),
    "",
  ];
}

/** Server CPU per poll request, less what the server burns idle over the same window. */
function pollCpu(r: PollResult): number {
  return r.requests ? (r.serverCpuMs - r.idleCpuPerMs * r.windowMs) / r.requests : NaN;
}

function pollTable(ours: PollResult, bare: PollResult | undefined): string[] {
  const rows: Array<[string, (r: PollResult) => number, number?]> = [
    ["poll requests/s served (quiet window)", (r) => (r.requests / r.windowMs) * 1000],
    ["answered 304 Not Modified (%)", (r) => (r.requests ? (100 * r.notModified) / r.requests : NaN)],
    ["failed polls", (r) => r.errors, 0],
    ["poll response time p50 (ms)", (r) => r.response.p50],
    ["poll response time p99 (ms)", (r) => r.response.p99],
    ["server CPU with no client (% of one core)", (r) => 100 * r.idleCpuPerMs],
    ["server CPU while polled (% of one core)", (r) => (100 * r.serverCpuMs) / r.windowMs],
    ["server CPU per poll, less idle (ms)", (r) => pollCpu(r), 2],
    ["polls/s two cores could serve (CPU bound)", (r) => 2000 / pollCpu(r), 0],
    ["server RSS while polling (MiB)", (r) => r.rssKiB / 1024],
    ["POST→count seen p50 (ms)", (r) => r.latency.p50, 0],
    ["POST→count seen p99 (ms)", (r) => r.latency.p99, 0],
    ["POST→count seen max (ms)", (r) => r.latency.max, 0],
    ["messages not seen", (r) => r.lost, 0],
  ];
  const body = rows.map(([label, get, digits]) => {
    const a = get(ours);
    const b = bare ? get(bare) : NaN;
    const x = a > 0 && b > 0 && !/failed|not seen/.test(label) ? times(a / b) : "";
    return [label, fmt(a, digits ?? 1), bare ? fmt(b, digits ?? 1) : "", x];
  });
  return [
    `### Short polling: ${POLL_N} clients, GET unread-count every ${POLL_INTERVAL_MS / 1000} s with If-None-Match`,
    "",
    `Offered ${fmt((POLL_N * 1000) / POLL_INTERVAL_MS)} requests/s; ${POLL_M} messages to distinct clients, 250 ms apart.`,
    "",
    ...table(["metric", "next", "bare", "ratio"], body),
    "",
  ];
}

function commitOf(): string {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: path.resolve(__dirname, ".."), encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git("rev-parse", "--short", "HEAD") || "unknown";
  return git("status", "--porcelain", "--untracked-files=no") ? `${head} + uncommitted changes` : head;
}

const STARTED = new Date();
const COMMIT = commitOf();
const COMMAND = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const LOAD_AT_START = os.loadavg()[0]!;
const RESULTS_DIR = path.resolve(__dirname, "results");
const RESULTS_FILE = path.join(RESULTS_DIR, `${STARTED.toISOString().replace(/:/g, "-").replace(/\..*$/, "")}.md`);

function render(outcomes: Outcome[], poll: [PollResult, PollResult | undefined] | undefined, complete: boolean): string {
  const failures = outcomes.filter(failed);
  const lines = [
    `## Benchmark ${STARTED.toISOString().replace(/\..*$/, "Z")}${complete ? "" : " (in progress)"}`,
    "",
    `Commit \`${COMMIT}\`; \`${COMMAND}\`; node ${process.version}, ${os.cpus().length} CPUs, load average ` +
      `${LOAD_AT_START.toFixed(2)} at the start${complete ? ` and ${os.loadavg()[0]!.toFixed(2)} at the end` : ""}; ` +
      `${INSTANCES > 1 ? `ours: ${INSTANCES} instances on ${REDIS_URL}, ` : ""}database: ${POSTGRES_URL ? "PostgreSQL" : "SQLite"}.`,
    "",
  ];
  if (outcomes.length) lines.push(...summaryTable(outcomes), ...instanceTable(outcomes));
  if (failures.length) lines.push("Failed runs:", "", ...failures.map((f) => `- ${f.name} at ${f.n} clients: ${f.error}`), "");
  for (const n of SIZES) lines.push(...detailTable(n, outcomes));
  if (poll) lines.push(...pollTable(poll[0], poll[1]));
  for (const r of outcomes) {
    if (failed(r)) continue;
    if (r.snapshotDiff) lines.push(`${r.name}, ${r.n} clients: where the heap of a held connection goes`, "", r.snapshotDiff, "");
    if (r.messageDiff) lines.push(`${r.name}, ${r.n} clients: what each message leaves on the heap (connections still open)`, "", r.messageDiff, "");
    if (r.fanoutProfile) lines.push(`${r.name}, ${r.n} clients: server CPU during the ${FANOUTS} announcements to everyone (and the waits between them), by area`, "", r.fanoutProfile, "");
    if (r.profile) lines.push(`${r.name}, ${r.n} clients: server CPU during the ${2 * M} messages, by area`, "", r.profile, "");
  }
  return lines.join("\n");
}

function save(text: string): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(RESULTS_FILE, text + "\n");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const streaming = TRANSPORTS.filter((t) => SELECTED.includes(t));
  const held = streaming.length ? SIZES[SIZES.length - 1]! : 0;
  // This process holds every client's socket; each server (a child, same limit) its side of them.
  const fdLimit = ensureOpenFiles(Math.max(held, SELECTED.includes("poll") ? POLL_N : 0) + WARMUP_CONNECTIONS + 1000);
  console.log(
    `[bench] ${SELECTED.join(", ")} — ` +
      [
        streaming.length
          ? `${SIZES.join(", ")} clients; per run ${FANOUTS} announcements to everyone and ${M} personal messages per pass (sequential, then concurrency ${C}); ` +
            `peers: ${SELECTED_PEERS.join(", ") || "none"}${INSTANCES > 1 ? `; ours as ${INSTANCES} instances on ${REDIS_URL}` : ""}`
          : "",
        SELECTED.includes("poll") ? `poll: ${POLL_N} clients every ${POLL_INTERVAL_MS / 1000} s, ${POLL_M} messages` : "",
      ]
        .filter(Boolean)
        .join("; ") +
      `; node ${process.version}, ${os.cpus().length} CPUs, open-file limit ${fdLimit}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const outcomes: Outcome[] = [];
  // One server at a time, each fresh: per client count the Socket.IO peers, then each transport on ours and on bare.
  for (const n of streaming.length ? SIZES : []) {
    if (SELECTED_PEERS.includes("socketio")) outcomes.push(await attempt(startSocketIo, "socketio", "socketio", n));
    if (SELECTED_PEERS.includes("socketio-store")) outcomes.push(await attempt(startStorePeer(n + WARMUP_CONNECTIONS), "socketio-store", "socketio", n));
    for (const t of streaming) {
      outcomes.push(await attempt(startOurs(n + WARMUP_CONNECTIONS), "next", t, n));
      if (SELECTED_PEERS.includes("bare")) outcomes.push(await attempt(startBare, "bare", t, n));
      save(render(outcomes, undefined, false));
    }
  }
  let poll: [PollResult, PollResult | undefined] | undefined;
  if (SELECTED.includes("poll")) {
    const ours = await measurePoll(startOurs(POLL_N + WARMUP_CONNECTIONS));
    poll = [ours, SELECTED_PEERS.includes("bare") ? await measurePoll(startBare) : undefined];
  }

  const text = render(outcomes, poll, true);
  save(text);
  console.log(`\n${text}`);
  console.log(
    `[bench] events received by clients: ${eventCounts.received}; bench process RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB; ` +
      `load average now ${os.loadavg()[0]!.toFixed(2)}; took ${fmt((Date.now() - STARTED.getTime()) / 60_000, 1)} min; written to ${path.relative(process.cwd(), RESULTS_FILE)}`,
  );
  const results = outcomes.filter((o): o is Result => !failed(o));
  const lost = results.reduce((k, r) => k + passLost(r) + fanLost(r), 0) + (poll ? poll[0].lost + (poll[1]?.lost ?? 0) : 0);
  if (lost) console.error(`[bench] ${lost} events were not delivered in time`);
  const failures = outcomes.length - results.length;
  if (failures) console.error(`[bench] ${failures} run(s) failed`);
  return lost || failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("[bench] failed:", e);
    process.exit(1);
  },
);
