// The live-update benchmark, one transport at a time: N held connections (SSE streams, WebSockets or
// long-polls) and M personal messages against the production build (server.ts over .next, via
// test/server-harness), and the same workload against a bare Node server speaking the same transport
// (bench/bare-server.mjs) in the same run, so our figures read as ratios to a floor. Short polling
// ("poll") is a separate scenario: clients GET the unread count every P seconds with an ETag; it
// reports the request rate the server sustains, its CPU, and delivery latency (bounded by P).
//
//   npm run bench -- [--transports sse,ws,longpoll,poll] [--clients N=1000] [--messages M=200]
//                    [--concurrency C=4] [--poll-clients 200] [--poll-interval 10] [--poll-messages 40]
//                    [--heap-snapshot] [--cpu-profile]
//
// Clients are raw and identical for both servers: `http.get` streaming readers with a small SSE
// parser (not the `eventsource` package), `ws` WebSocket clients, and `http.get` long-poll loops on a
// keep-alive agent, so the client-side cost per connection is the same and small. Users are inserted
// straight into the server's SQLite file and signed in by minting the next-auth session cookie (the
// harness's AUTH_SECRET); the admin signs in the real way.
// Memory: VmRSS from /proc/<pid>/status, and the JS heap after a forced GC read through each
// server's inspector (started with --inspect on a free loopback port, attached only to read).
// CPU: utime + stime of the server process from /proc/<pid>/stat around each phase.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { encode } from "next-auth/jwt";
import { WebSocket } from "ws";
import { PrismaClient } from "../generated/prisma/client";
import { hashPassword } from "../lib/auth/password";
import { seedDemo } from "../prisma/seed";
import { TestClient } from "../test/client";
import { migrate, startServer } from "../test/server-harness";

const AUTH_SECRET = "test-secret-test-secret-test-secret"; // the harness's
const SESSION_COOKIE = "next-auth.session-token";
const WARMUP_CONNECTIONS = 4;
const WARMUP_MESSAGES = 20;
const OPEN_CONCURRENCY = 50;
const EVENT_TIMEOUT_MS = 15_000;
const SETTLE_MS = 1500;
/** The long-poll `timeout` a client asks for (the browser client's). */
const LONGPOLL_TIMEOUT_S = 25;
/** Short polling: how long the server's CPU is read with no client, before the pollers start. */
const IDLE_WINDOW_MS = 5000;

const TRANSPORTS = ["sse", "ws", "longpoll"] as const;
type Transport = (typeof TRANSPORTS)[number];
type Scenario = Transport | "poll";
const SCENARIOS: readonly Scenario[] = [...TRANSPORTS, "poll"];

const { values: args } = parseArgs({
  options: {
    transports: { type: "string", default: SCENARIOS.join(",") },
    clients: { type: "string", default: "1000" },
    messages: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    "poll-clients": { type: "string", default: "200" },
    "poll-interval": { type: "string", default: "10" },
    "poll-messages": { type: "string", default: "40" },
    "heap-snapshot": { type: "boolean", default: false },
    "cpu-profile": { type: "boolean", default: false },
  },
});
const N = positiveInt("clients", args.clients);
const M = positiveInt("messages", args.messages);
const C = positiveInt("concurrency", args.concurrency);
const POLL_N = positiveInt("poll-clients", args["poll-clients"]);
const POLL_INTERVAL_MS = positiveNumber("poll-interval", args["poll-interval"]) * 1000;
const POLL_M = Math.min(positiveInt("poll-messages", args["poll-messages"]), POLL_N);
/** Also diff heap snapshots (idle vs N connections) per constructor: slow and memory-hungry, a diagnostic. */
const SNAPSHOT = args["heap-snapshot"] ?? false;
/** Also sample our server's CPU during the message passes and print where it went (a diagnostic: it perturbs the figures). */
const PROFILE = args["cpu-profile"] ?? false;
const SELECTED = parseTransports(args.transports ?? "");

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${raw})`);
    process.exit(2);
  }
  return n;
}

function positiveNumber(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got ${raw})`);
    process.exit(2);
  }
  return n;
}

function isScenario(s: string): s is Scenario {
  return (SCENARIOS as readonly string[]).includes(s);
}

function parseTransports(raw: string): Scenario[] {
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !isScenario(s));
  if (!list.length || bad.length) {
    console.error(`--transports takes a comma-separated list of ${SCENARIOS.join(", ")} (got ${raw})`);
    process.exit(2);
  }
  // Always in the same order, whatever order they were given in.
  return SCENARIOS.filter((s) => list.includes(s));
}

// The servers' inspectors announce themselves on stderr (which the harness forwards): drop those lines.
const INSPECTOR_NOISE = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org|Debugger attached\.|Debugger ending on ws:)/;
const stderrWrite = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
  const kept = text
    .split(/(?<=\n)/)
    .filter((line) => !INSPECTOR_NOISE.test(line))
    .join("");
  return kept ? (stderrWrite as (c: string, ...r: unknown[]) => boolean)(kept, ...rest) : true;
}) as typeof process.stderr.write;

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

type Stats = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1]! : NaN,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
  };
}

/** VmRSS of a process, in KiB. */
function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Median of a few readings, a moment apart (RSS moves with GC). */
async function sampleRss(pid: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(rssKiB(pid));
    await sleep(200);
  }
  return percentile(xs.sort((a, b) => a - b), 50);
}

function openFileLimit(): number {
  const limits = fs.readFileSync("/proc/self/limits", "utf8");
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !m || m[1] === "unlimited" ? Infinity : Number(m[1]);
}

/** A free loopback port (for a server's inspector). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = http.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

type Heap = { heapUsed: number; external: number; arrayBuffers: number };

type Inspector = {
  call(method: string, params?: object): Promise<unknown>;
  onEvent(method: string, fn: (params: never) => void): void;
  close(): void;
};

/** A DevTools-protocol session on a server's inspector (each server runs with --inspect=127.0.0.1:<port>). */
async function inspect(inspectPort: number): Promise<Inspector> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl, { maxPayload: 1 << 30 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, (r: unknown) => void>();
  const listeners = new Map<string, (p: never) => void>();
  ws.on("message", (raw) => {
    const msg = JSON.parse(String(raw)) as { id?: number; result?: unknown; method?: string; params?: never };
    if (msg.id !== undefined) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else if (msg.method) listeners.get(msg.method)?.(msg.params as never);
  });
  return {
    call: (method, params = {}) =>
      new Promise<unknown>((resolve) => {
        pending.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    onEvent: (method, fn) => void listeners.set(method, fn),
    close: () => ws.close(),
  };
}

/**
 * Heap of a server after a forced full GC, read through its inspector (nothing attaches except
 * for this reading). This is the "retained heap" of STACK.md, beside the RSS the kernel reports.
 */
async function heapAfterGc(inspectPort: number): Promise<Heap> {
  const s = await inspect(inspectPort);
  try {
    await s.call("HeapProfiler.collectGarbage");
    await s.call("HeapProfiler.collectGarbage");
    const r = (await s.call("Runtime.evaluate", {
      expression: "JSON.stringify(process.memoryUsage())",
      returnByValue: true,
    })) as { result: { value: string } };
    const m = JSON.parse(r.result.value) as Heap;
    return { heapUsed: m.heapUsed / 1024, external: m.external / 1024, arrayBuffers: m.arrayBuffers / 1024 };
  } finally {
    s.close();
  }
}

type Histogram = Map<string, { count: number; bytes: number }>;

/** A heap snapshot (which collects garbage first) folded into self size and count per constructor. */
async function heapHistogram(inspectPort: number): Promise<Histogram> {
  const s = await inspect(inspectPort);
  const chunks: string[] = [];
  s.onEvent("HeapProfiler.addHeapSnapshotChunk", (p: { chunk: string }) => void chunks.push(p.chunk));
  try {
    await s.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    s.close();
  }
  const snap = JSON.parse(chunks.join("")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const width = f.length;
  const [iType, iName, iSize] = [f.indexOf("type"), f.indexOf("name"), f.indexOf("self_size")];
  const types = snap.snapshot.meta.node_types[0];
  const out: Histogram = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!]!;
    const name = snap.strings[snap.nodes[i + iName]!]!;
    const key =
      type === "object" || type === "native" ? name : type === "closure" ? `${name || "(anonymous)"}()` : `(${type}${type === "hidden" || type === "array" ? ` ${name}` : ""})`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + iSize]!;
    out.set(key, e);
  }
  return out;
}

function histogramDiff(before: Histogram, after: Histogram, per: number, unit: string, top = 30): string {
  const rows = [...after].map(([k, a]) => {
    const b = before.get(k) ?? { count: 0, bytes: 0 };
    return { k, count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((n, r) => n + r.bytes, 0);
  const lines = [`| retained ${unit} (snapshot diff) | objects | bytes |`, `|---|---:|---:|`];
  for (const r of rows.slice(0, top)) lines.push(`| \`${r.k.slice(0, 60)}\` | ${r.count.toFixed(1)} | ${Math.round(r.bytes)} |`);
  lines.push(`| all | | ${Math.round(total)} |`);
  return lines.join("\n");
}

type CpuProfile = {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
};

/** Starts the sampling profiler on a server (through its inspector); `stop` returns the summary. */
async function startProfile(inspectPort: number): Promise<{ stop(): Promise<string> }> {
  const s = await inspect(inspectPort);
  await s.call("Profiler.enable");
  await s.call("Profiler.setSamplingInterval", { interval: 500 });
  await s.call("Profiler.start");
  return {
    async stop() {
      const r = (await s.call("Profiler.stop")) as { profile: CpuProfile };
      s.close();
      return summarizeProfile(r.profile);
    },
  };
}

/** Where a script lives, coarsely: an npm package, Node's own module, the app's bundle, wasm. */
function area(url: string): string | null {
  if (!url) return null;
  if (url.startsWith("wasm://")) return "wasm (Prisma query compiler)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!.startsWith("next") && url.includes("/compiled/") ? `next (compiled ${url.split("/compiled/")[1]!.split("/")[0]})` : pkg[1]!;
  if (url.startsWith("node:")) return `node:${url.slice(5).replace(/^internal\//, "").split("/")[0]!.replace(/^_/, "")}`;
  if (url.includes("/.next/")) return "app bundle (.next/server)";
  return url.replace(/^file:\/\//, "").split("/").slice(-2).join("/");
}

/**
 * Self time by area. A sample in a native or V8 frame without a script (the SQLite driver, JSON, crypto)
 * is given to the nearest caller that has one; GC and "(program)" are kept as they are.
 */
function summarizeProfile(p: CpuProfile): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, number>();
  let all = 0;
  for (let k = 0; k < p.samples.length; k++) {
    const ms = (p.timeDeltas[k] ?? 0) / 1000;
    let id: number | undefined = p.samples[k]!;
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === "(idle)") continue;
    let where: string | null = leaf.startsWith("(") ? leaf : null;
    while (where === null && id !== undefined) {
      where = area(byId.get(id)!.callFrame.url);
      id = parent.get(id);
    }
    where ??= "(no script)";
    totals.set(where, (totals.get(where) ?? 0) + ms);
    all += ms;
  }
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 16);
  return ["| where (self time, natives to their caller) | ms | share |", "|---|---:|---:|"]
    .concat(rows.map(([k, v]) => `| ${k} | ${Math.round(v)} | ${((100 * v) / all).toFixed(1)} % |`))
    .concat([`| all (not idle) | ${Math.round(all)} | |`])
    .join("\n");
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms (resolution 1000 / CLK_TCK). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** CPU time this bench process has used so far, in ms. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Clients: one shape for every transport

type Payload = { unreadCount: number; cursor: string; notification?: { id: string; title: string } };

/** Title of an in-flight message → resolves with the time its event arrived. */
const waiting = new Map<string, (t: number) => void>();
let eventsReceived = 0;

/** Every event any client parsed, at time `t`: counts it and completes the message it carries. */
function received(payload: Payload, t: number): void {
  eventsReceived++;
  const title = payload.notification?.title;
  if (!title) return;
  const w = waiting.get(title);
  if (w) {
    waiting.delete(title);
    w(t);
  }
}

/** SSE streams and WebSocket handshakes: one connection each, never reused. */
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** Long-polls and short polls re-request on the same socket, as a browser does. */
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });

type Conn = { close(): void; openedMs: number };

/**
 * Runs `start(settle)` where `settle` ends the open: resolves on the first event, rejects on an error
 * or when no event came within EVENT_TIMEOUT_MS (then `abort` tears the attempt down).
 */
function opening(start: (ok: (close: () => void) => void, fail: (e: Error) => void) => () => void): Promise<Conn> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    let abort: () => void = () => {};
    const timer = setTimeout(() => fail(new Error(`no first event in ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    function fail(e: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort();
      reject(e);
    }
    function ok(close: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ close, openedMs: performance.now() - t0 });
    }
    abort = start(ok, fail);
  });
}

/** A minimal SSE reader over http.get. */
function openSse(url: string, headers: Record<string, string>): Promise<Conn> {
  return opening((ok, fail) => {
    const req = http.get(url, { agent, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new Error(`GET ${url} → ${res.statusCode}`));
      }
      res.setEncoding("utf8");
      let buf = "";
      res.on("data", (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let type = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") type = value;
            else if (field === "data") data += (data ? "\n" : "") + value;
          }
          if (type !== "unread" || !data) continue;
          const payload = JSON.parse(data) as Payload;
          received(payload, performance.now());
          ok(() => req.destroy());
        }
      });
      res.on("error", () => {});
    });
    req.on("error", (e) => fail(e));
    return () => req.destroy();
  });
}

/** A `ws` client: text frames `{"type":"unread", …payload}`. */
function openWs(url: string, headers: Record<string, string>): Promise<Conn> {
  return opening((ok, fail) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      fail(new Error(`upgrade ${url} → ${res.statusCode}`));
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const t = performance.now();
      const frame = JSON.parse(String(data)) as Payload & { type: string };
      if (frame.type !== "unread") return;
      received(frame, t);
      ok(() => ws.terminate());
    });
    ws.on("error", (e) => fail(e));
    return () => ws.terminate();
  });
}

type PollQuery = { cursor: string | null; unread: number | null; timeout: number };
type PollAnswer = { events: Payload[]; cursor: string };

/** Long-poll traffic while measuring (all clients). */
const longPollStats = { answers: 0, withEvents: 0, empty: 0, errors: 0 };

/**
 * A long-poll loop: GET, read the events, GET again at once from the returned cursor (with the count
 * it now shows). The first GET has no cursor and is answered at once with the state: the open.
 * `firstHoldS`: the timeout of the first held poll, so that N clients opened together do not all time
 * out together (later polls ask for LONGPOLL_TIMEOUT_S, as the browser does).
 */
function openLongPoll(baseUrl: string, pathFor: (q: PollQuery) => string, headers: Record<string, string>, firstHoldS: number): Promise<Conn> {
  let closed = false;
  let current: http.ClientRequest | undefined;
  const close = () => {
    closed = true;
    current?.destroy();
  };
  return opening((ok, fail) => {
    let opened = false;
    let cursor: string | null = null;
    let unread: number | null = null;
    let holds = 0;
    const again = (ms: number) => {
      if (closed) return;
      if (ms) setTimeout(poll, ms);
      else setImmediate(poll); // lets the agent take back the socket first, so the next GET reuses it
    };
    function poll() {
      if (closed) return;
      const timeout = cursor === null ? LONGPOLL_TIMEOUT_S : holds++ === 0 ? firstHoldS : LONGPOLL_TIMEOUT_S;
      let done = false;
      const broken = (e: Error) => {
        if (done || closed) return;
        done = true;
        if (!opened) return fail(e);
        longPollStats.errors++;
        again(200);
      };
      const req = http.get(baseUrl + pathFor({ cursor, unread, timeout }), { agent: keepAliveAgent, headers: { accept: "application/json", ...headers } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return broken(new Error(`GET poll → ${res.statusCode}`));
        }
        res.setEncoding("utf8");
        let body = "";
        res.on("data", (chunk: string) => (body += chunk));
        res.on("error", (e) => broken(e));
        res.on("end", () => {
          if (done || closed) return;
          done = true;
          const answer = JSON.parse(body) as PollAnswer;
          const t = performance.now();
          longPollStats.answers++;
          if (answer.events.length) longPollStats.withEvents++;
          else longPollStats.empty++;
          for (const e of answer.events) {
            received(e, t);
            unread = e.unreadCount;
          }
          cursor = answer.cursor;
          if (!opened) {
            opened = true;
            ok(close);
          }
          again(0);
        });
      });
      current = req;
      req.on("error", (e) => broken(e));
    }
    poll();
    return close;
  });
}

// ---------------------------------------------------------------------------------------------
// The two servers behind one shape

type Server = {
  name: "next" | "bare";
  pid: number;
  inspectPort: number;
  baseUrl: string;
  /** What client `i` (0..users-1; the last WARMUP_CONNECTIONS are for warming up) sends on every request. */
  headers(i: number): Record<string, string>;
  path: {
    sse(i: number): string;
    ws(i: number): string;
    longpoll(i: number, q: PollQuery): string;
    count(i: number): string;
  };
  /** Sends one message to the user behind client `i`; resolves with the HTTP status. */
  send(i: number, title: string): Promise<number>;
  /** Live connections the server's hub holds, by transport (from /api/metrics); null when it cannot say. */
  live(): Promise<Record<string, number> | null>;
  stop(): Promise<void>;
};

function pollQuery(q: PollQuery): string {
  const s = new URLSearchParams({ timeout: String(q.timeout) });
  if (q.cursor !== null) s.set("cursor", q.cursor);
  if (q.unread !== null) s.set("unread", String(q.unread));
  return s.toString();
}

async function startNext(clients: number): Promise<Server> {
  // Users go into the database before the server opens it: a second writer while the server
  // switches the file to WAL at start-up makes that pragma fail with SQLITE_BUSY.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-bench-"));
  const databaseUrl = `file:${path.join(dir, "app.db")}`;
  migrate(databaseUrl);
  await seedDemo(databaseUrl);
  const total = clients + WARMUP_CONNECTIONS;
  const tUsers = performance.now();
  const passwordHash = await hashPassword("bench-password");
  const users = Array.from({ length: total }, (_, i) => ({
    id: `bench${String(i).padStart(6, "0")}`,
    email: `bench-${i}@bench.example`,
    name: `Bench ${i}`,
    role: "user",
    passwordHash,
  }));
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
  try {
    await prisma.user.createMany({ data: users });
  } finally {
    await prisma.$disconnect();
  }
  const insertedMs = performance.now() - tUsers;
  const inspectPort = await freePort();
  const nodeOptions = [process.env.NODE_OPTIONS, `--inspect=127.0.0.1:${inspectPort}`].filter(Boolean).join(" ");
  const server = await startServer({ dir, env: { NODE_OPTIONS: nodeOptions } });
  const tCookies = performance.now();
  const cookies = await Promise.all(
    users.map(async (u) => {
      const token = await encode({ token: { uid: u.id, email: u.email, name: u.name, role: "user" }, secret: AUTH_SECRET });
      return `${SESSION_COOKIE}=${token}`;
    }),
  );
  const admin = new TestClient(server.baseUrl);
  if (!(await admin.signIn("admin@example.com"))) throw new Error("admin sign-in failed");
  console.log(
    `[bench] next: ${total} users inserted in ${Math.round(insertedMs)} ms, session cookies minted and admin signed in ` +
      `in ${Math.round(performance.now() - tCookies)} ms`,
  );
  return {
    name: "next",
    pid: server.pid,
    inspectPort,
    baseUrl: server.baseUrl,
    // Browsers send Origin on a WebSocket handshake, and server.ts refuses one that is not ours.
    headers: (i) => ({ cookie: cookies[i]!, origin: server.baseUrl }),
    path: {
      sse: () => "/api/realtime/sse",
      ws: () => "/api/realtime/ws",
      longpoll: (_i, q) => `/api/realtime/poll?${pollQuery(q)}`,
      count: () => "/api/notifications/unread-count",
    },
    async send(i, title) {
      const res = await admin.fetch("/api/admin/announcements", {
        method: "POST",
        json: { title, body: "bench body", audience: { type: "users", emails: [users[i]!.email] } },
      });
      await res.arrayBuffer();
      return res.status;
    },
    async live() {
      const res = await admin.fetch("/api/metrics");
      if (res.status !== 200) return null;
      const out: Record<string, number> = {};
      for (const m of (await res.text()).matchAll(/^notif_live_connections\{transport="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
      return out;
    },
    async stop() {
      await server.stop();
    },
  };
}

async function startBare(): Promise<Server> {
  const inspectPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, path.join(__dirname, "bare-server.mjs")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.pipe(process.stderr);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`bare server exited (${code}): ${out}`)));
  });
  return {
    name: "bare",
    pid: child.pid!,
    inspectPort,
    baseUrl,
    headers: () => ({ origin: baseUrl }),
    path: {
      sse: (i) => `/sse?u=u${i}`,
      ws: (i) => `/ws?u=u${i}`,
      longpoll: (i, q) => `/poll?u=u${i}&${pollQuery(q)}`,
      count: (i) => `/count?u=u${i}`,
    },
    async send(i, title) {
      const res = await fetch(`${baseUrl}/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ to: [`u${i}`], title, body: "bench body" }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    live: async () => null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Opens client `i`'s connection over `transport`; resolves at its first event. */
function openClient(server: Server, transport: Transport, i: number): Promise<Conn> {
  switch (transport) {
    case "sse":
      return openSse(server.baseUrl + server.path.sse(i), server.headers(i));
    case "ws":
      return openWs(server.baseUrl.replace(/^http/, "ws") + server.path.ws(i), server.headers(i));
    case "longpoll":
      // First holds spread over 5..25 s: a steady trickle of timed-out polls, as with clients that came at different times.
      return openLongPoll(server.baseUrl, (q) => server.path.longpoll(i, q), server.headers(i), 5 + (i % 21));
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
  /** Long-poll answers during the pass: with events, and empty (timed out). */
  polls?: { withEvents: number; empty: number; errors: number };
};
type Result = {
  name: string;
  transport: Transport;
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
  open: Stats;
  openWallMs: number;
  openCpuMs: number;
  passes: Pass[];
};

let titleSeq = 0;

async function sendOne(server: Server, i: number): Promise<{ latency: number; post: number } | null> {
  const title = `bench-${server.name}-${++titleSeq}`;
  let timer: NodeJS.Timeout | undefined;
  const arrived = new Promise<number | null>((resolve) => {
    waiting.set(title, resolve);
    timer = setTimeout(() => {
      waiting.delete(title);
      resolve(null);
    }, EVENT_TIMEOUT_MS);
  });
  const t0 = performance.now();
  const status = await server.send(i, title);
  const post = performance.now() - t0;
  if (status !== 201) {
    clearTimeout(timer);
    waiting.delete(title);
    console.error(`[bench] ${server.name}: send to #${i} → HTTP ${status}`);
    return null;
  }
  const t = await arrived;
  clearTimeout(timer);
  return t === null ? null : { latency: t - t0, post };
}

/** Message k of a pass goes to a client spread across all n (a stride coprime with n). */
function recipients(n: number, count: number, offset: number): number[] {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let stride = Math.max(1, Math.floor(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return Array.from({ length: count }, (_, k) => (offset + k * stride) % n);
}

async function runPass(server: Server, transport: Transport, concurrency: number, offset: number): Promise<Pass> {
  const latency: number[] = [];
  const post: number[] = [];
  let lost = 0;
  const polls0 = { ...longPollStats };
  const cpu0 = cpuMs(server.pid);
  const own0 = ownCpuMs();
  const t0 = performance.now();
  await pool(recipients(N, M, offset), concurrency, async (i) => {
    const r = await sendOne(server, i);
    if (!r) lost++;
    else {
      latency.push(r.latency);
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
    serverCpuMs: cpuMs(server.pid) - cpu0,
    clientCpuMs: ownCpuMs() - own0,
    polls:
      transport === "longpoll"
        ? {
            withEvents: longPollStats.withEvents - polls0.withEvents,
            empty: longPollStats.empty - polls0.empty,
            errors: longPollStats.errors - polls0.errors,
          }
        : undefined,
  };
}

async function measure(start: () => Promise<Server>, transport: Transport): Promise<Result> {
  const server = await start();
  const name = `${server.name} ${transport}`;
  const conns: Conn[] = [];
  try {
    // Warm up: load the connect and send paths, JIT them, fill the connection pools.
    const warm = await Promise.all(Array.from({ length: WARMUP_CONNECTIONS }, (_, k) => openClient(server, transport, N + k)));
    for (let k = 0; k < WARMUP_MESSAGES; k++) await sendOne(server, N + (k % WARMUP_CONNECTIONS));
    for (const c of warm) c.close();
    await sleep(SETTLE_MS);
    // Both readings follow a forced full GC, so RSS before and after opening are comparable.
    const heapIdle = await heapAfterGc(server.inspectPort);
    const rssIdleKiB = await sampleRss(server.pid);
    const histIdle = SNAPSHOT ? await heapHistogram(server.inspectPort) : undefined;

    const opened: number[] = [];
    const cpu0 = cpuMs(server.pid);
    const tOpen = performance.now();
    await pool(
      Array.from({ length: N }, (_, i) => i),
      OPEN_CONCURRENCY,
      async (i) => {
        const c = await openClient(server, transport, i);
        conns.push(c);
        opened.push(c.openedMs);
      },
    );
    const openWallMs = performance.now() - tOpen;
    const openCpuMs = cpuMs(server.pid) - cpu0;
    await sleep(SETTLE_MS);
    const heapOpen = await heapAfterGc(server.inspectPort);
    const rssOpenKiB = await sampleRss(server.pid);
    const histOpen = histIdle ? await heapHistogram(server.inspectPort) : undefined;
    const snapshotDiff = histIdle && histOpen ? histogramDiff(histIdle, histOpen, N, "per connection") : undefined;
    const live = await server.live();
    const held = live ? `; the server holds ${Object.entries(live).map(([t, n]) => `${n} ${t}`).join(", ")}` : "";
    console.log(`[bench] ${name}: ${N} connections open in ${Math.round(openWallMs)} ms${held}`);

    const profiler = PROFILE && server.name === "next" ? await startProfile(server.inspectPort) : undefined;
    const passes = [await runPass(server, transport, 1, 0), await runPass(server, transport, C, Math.floor(N / 2))];
    const profile = await profiler?.stop();
    await sleep(SETTLE_MS);
    const liveAfter = await server.live();
    if (liveAfter) console.log(`[bench] ${name}: after the passes the server holds ${Object.entries(liveAfter).map(([t, n]) => `${n} ${t}`).join(", ")}`);
    const rssAfterKiB = await sampleRss(server.pid); // before a GC: what traffic leaves behind
    const heapAfter = await heapAfterGc(server.inspectPort);
    const rssAfterGcKiB = await sampleRss(server.pid);
    const messageDiff = histOpen ? histogramDiff(histOpen, await heapHistogram(server.inspectPort), 2 * M, "per message") : undefined;
    for (const p of passes) {
      const polls = p.polls ? `; long-polls answered: ${p.polls.withEvents} with events, ${p.polls.empty} timed out, ${p.polls.errors} failed` : "";
      console.log(`[bench] ${name}: ${M} messages at concurrency ${p.concurrency} in ${Math.round(p.wallMs)} ms (${p.lost} lost${polls})`);
    }
    // Close every connection: what the heap keeps afterwards is not held by a connection.
    for (const c of conns.splice(0)) c.close();
    await sleep(SETTLE_MS);
    const heapClosed = await heapAfterGc(server.inspectPort);
    return {
      name,
      transport,
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
      open: stats(opened),
      openWallMs,
      openCpuMs,
      passes,
    };
  } finally {
    for (const c of conns) c.close();
    await sleep(200);
    await server.stop();
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
    current = http.get(server.baseUrl + server.path.count(i), { agent: keepAliveAgent, headers }, (res) => {
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
      const res = await fetch(server.baseUrl + server.path.count(w), { headers: server.headers(w) });
      await res.arrayBuffer();
      await server.send(w, `bench-warm-${++titleSeq}`);
    }
    // What the server burns with no client at all, so the per-poll figure is the polls' own.
    await sleep(SETTLE_MS);
    const idle0 = cpuMs(server.pid);
    const tIdle = performance.now();
    await sleep(IDLE_WINDOW_MS);
    const idleCpuPerMs = (cpuMs(server.pid) - idle0) / (performance.now() - tIdle);
    // Start every client, their first polls spread evenly over one interval, and let each poll once.
    for (let i = 0; i < POLL_N; i++) pollers.push(startPoller(server, i, (i / POLL_N) * POLL_INTERVAL_MS, () => window, onRise));
    await sleep(POLL_INTERVAL_MS + SETTLE_MS);

    // Quiet window, two intervals: the cost of polling alone.
    window = fresh();
    const cpu0 = cpuMs(server.pid);
    const t0 = performance.now();
    await sleep(2 * POLL_INTERVAL_MS);
    const windowMs = performance.now() - t0;
    const serverCpuMs = cpuMs(server.pid) - cpu0;
    const quiet = window;
    window = fresh(); // polls from here on are not the quiet window's
    const rssKiB = await sampleRss(server.pid);
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
// Report

function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

type Row = { label: string; get: (r: Result) => number; digits?: number; ratio?: boolean };

function streamingRows(passes: number): Row[] {
  const rows: Row[] = [
    { label: "server RSS before connections, after GC (MiB)", get: (r) => r.rssIdleKiB / 1024 },
    { label: `server RSS with ${N} connections, after GC (MiB)`, get: (r) => r.rssOpenKiB / 1024 },
    { label: "RSS per open connection (KiB)", get: (r) => (r.rssOpenKiB - r.rssIdleKiB) / N },
    { label: "JS heap per open connection, after GC (KiB)", get: (r) => (r.heapOpen.heapUsed - r.heapIdle.heapUsed) / N },
    { label: "external+buffers per open connection (KiB)", get: (r) => (r.heapOpen.external - r.heapIdle.external) / N },
    { label: `server RSS after ${2 * M} messages, no GC (MiB)`, get: (r) => r.rssAfterKiB / 1024 },
    { label: `server RSS after ${2 * M} messages, after GC (MiB)`, get: (r) => r.rssAfterGcKiB / 1024 },
    { label: `JS heap growth over ${2 * M} messages, after GC (MiB)`, get: (r) => (r.heapAfter.heapUsed - r.heapOpen.heapUsed) / 1024, digits: 2 },
    // Once traffic has flowed, per connection: what a connection that has delivered costs (see the long-poll reading).
    { label: `RSS per connection after the messages, after GC (KiB)`, get: (r) => (r.rssAfterGcKiB - r.rssIdleKiB) / N },
    { label: `JS heap per connection after the messages, after GC (KiB)`, get: (r) => (r.heapAfter.heapUsed - r.heapIdle.heapUsed) / N },
    { label: "JS heap left once all closed, after GC (MiB)", get: (r) => (r.heapClosed.heapUsed - r.heapIdle.heapUsed) / 1024, digits: 2 },
    { label: `open ${N} connections, wall (ms, ${OPEN_CONCURRENCY} in flight)`, get: (r) => r.openWallMs, digits: 0 },
    { label: "server CPU per open (ms)", get: (r) => r.openCpuMs / N, digits: 2 },
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

const SHORT: Record<Transport, string> = { sse: "sse", ws: "ws", longpoll: "lp" };

/** One table: every transport on next, every one on bare, each ÷ its bare, and ws, lp ÷ sse (ours). */
function reportStreaming(ours: Result[], bare: Result[]): void {
  type Col = { head: string; value: (row: Row) => string };
  // A ratio of two figures that print as zero (or below) says nothing.
  const ratio = (a: number, b: number, digits = 1) => (Number(fmt(a, digits)) > 0 && Number(fmt(b, digits)) > 0 ? `${fmt(a / b, 2)}×` : "—");
  const cols: Col[] = [];
  for (const r of ours) cols.push({ head: r.transport, value: (row) => fmt(row.get(r), row.digits ?? 1) });
  for (const r of bare) cols.push({ head: `bare ${SHORT[r.transport]}`, value: (row) => fmt(row.get(r), row.digits ?? 1) });
  for (const r of ours) {
    const b = bare.find((x) => x.transport === r.transport);
    if (b) cols.push({ head: `${SHORT[r.transport]}÷bare`, value: (row) => (row.ratio === false ? "" : ratio(row.get(r), row.get(b), row.digits)) });
  }
  const sse = ours.find((r) => r.transport === "sse");
  if (sse) {
    for (const r of ours) {
      if (r === sse) continue;
      cols.push({ head: `${SHORT[r.transport]}÷sse`, value: (row) => (row.ratio === false ? "" : ratio(row.get(r), row.get(sse), row.digits)) });
    }
  }
  const rows = streamingRows(Math.min(...ours.map((r) => r.passes.length)));
  const w0 = Math.max(...rows.map((r) => r.label.length));
  const w = Math.max(9, ...cols.map((c) => c.head.length));
  const line = (label: string, cells: string[]) => `| ${label.padEnd(w0)} | ${cells.map((c) => c.padStart(w)).join(" | ")} |`;
  console.log("");
  console.log(line("metric", cols.map((c) => c.head)));
  console.log(`|${"-".repeat(w0 + 2)}|${cols.map(() => `${"-".repeat(w + 1)}:`).join("|")}|`);
  for (const row of rows) console.log(line(row.label, cols.map((c) => c.value(row))));
  console.log("");
}

/** Server CPU per poll request, less what the server burns idle over the same window. */
function pollCpu(r: PollResult): number {
  return r.requests ? (r.serverCpuMs - r.idleCpuPerMs * r.windowMs) / r.requests : NaN;
}

function reportPoll(ours: PollResult, bare: PollResult): void {
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
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const line = (a: string, b: string, c: string, d: string) => `| ${a.padEnd(w0)} | ${b.padStart(9)} | ${c.padStart(9)} | ${d.padStart(7)} |`;
  console.log(
    `Short polling: ${POLL_N} clients, GET unread-count every ${POLL_INTERVAL_MS / 1000} s with If-None-Match ` +
      `(offered ${fmt((POLL_N * 1000) / POLL_INTERVAL_MS)} requests/s); ${POLL_M} messages to distinct clients, 250 ms apart`,
  );
  console.log("");
  console.log(line("metric", "next", "bare", "ratio"));
  console.log(`|${"-".repeat(w0 + 2)}|${"-".repeat(10)}:|${"-".repeat(10)}:|${"-".repeat(8)}:|`);
  for (const [label, get, digits] of rows) {
    const a = get(ours);
    const b = get(bare);
    const ratio = a > 0 && b > 0 && !/failed|not seen/.test(label) ? `${fmt(a / b, 2)}×` : "";
    console.log(line(label, fmt(a, digits ?? 1), fmt(b, digits ?? 1), ratio));
  }
  console.log("");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const fdLimit = openFileLimit();
  const held = SELECTED.some((s) => s !== "poll") ? N : 0;
  const need = Math.max(held, SELECTED.includes("poll") ? POLL_N : 0) + WARMUP_CONNECTIONS + 200;
  if (fdLimit < need) {
    console.error(`[bench] open-file limit ${fdLimit} is too low for ${need - 200} clients: raise it (ulimit -n ${need * 2 + 1000})`);
    return 2;
  }
  const transports = TRANSPORTS.filter((t) => SELECTED.includes(t));
  console.log(
    `[bench] ${SELECTED.join(", ")} — ` +
      [
        transports.length ? `${N} clients, ${M} messages per pass (sequential, then concurrency ${C})` : "",
        SELECTED.includes("poll") ? `poll: ${POLL_N} clients every ${POLL_INTERVAL_MS / 1000} s, ${POLL_M} messages` : "",
      ]
        .filter(Boolean)
        .join("; ") +
      `; node ${process.version}, ${os.cpus().length} CPUs, open-file limit ${fdLimit}, load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  // One server at a time: each transport on a fresh next server, then on a fresh bare one.
  const ours: Result[] = [];
  const bare: Result[] = [];
  for (const t of transports) {
    ours.push(await measure(() => startNext(N), t));
    bare.push(await measure(startBare, t));
  }
  const poll = SELECTED.includes("poll") ? [await measurePoll(() => startNext(POLL_N)), await measurePoll(startBare)] : undefined;

  if (ours.length) reportStreaming(ours, bare);
  if (poll) reportPoll(poll[0]!, poll[1]!);
  for (const r of [...ours, ...bare]) {
    if (r.snapshotDiff) console.log(`${r.name}: where the heap of a held connection goes\n\n${r.snapshotDiff}\n`);
    if (r.messageDiff) console.log(`${r.name}: what each message leaves on the heap (connections still open)\n\n${r.messageDiff}\n`);
    if (r.profile) console.log(`${r.name}: server CPU during the ${2 * M} messages, by area\n\n${r.profile}\n`);
  }
  console.log(
    `[bench] events received by clients: ${eventsReceived}; bench process RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB; ` +
      `load average now ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const lost = [...ours, ...bare].flatMap((r) => r.passes).reduce((n, p) => n + p.lost, 0) + (poll ? poll[0]!.lost + poll[1]!.lost : 0);
  if (lost) console.error(`[bench] ${lost} messages were not delivered in time`);
  return lost ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("[bench] failed:", e);
    process.exit(1);
  },
);
