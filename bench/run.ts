// The live-update benchmark: N held SSE streams and M personal messages against the production
// build (server.ts over .next, via test/server-harness), and the same workload against a bare Node
// SSE server (bench/bare-server.mjs) in the same run, so our figures read as ratios to a floor.
//
//   npm run bench -- [--clients N=1000] [--messages M=200] [--concurrency C=4] [--heap-snapshot]
//
// Clients are raw `http.get` streaming readers with a small SSE parser (not the `eventsource`
// package), identical for both servers, so per-connection cost on the client side is the same and
// small. Users are inserted straight into the server's SQLite file and signed in by minting the
// next-auth session cookie (the harness's AUTH_SECRET); the admin signs in the real way.
// Memory: VmRSS from /proc/<pid>/status, and the JS heap after a forced GC read through each
// server's inspector (started with --inspect on a free loopback port, attached only to read).
import { spawn, type ChildProcess } from "node:child_process";
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
const WARMUP_STREAMS = 4;
const WARMUP_MESSAGES = 20;
const OPEN_CONCURRENCY = 50;
const EVENT_TIMEOUT_MS = 15_000;
const SETTLE_MS = 1500;

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "1000" },
    messages: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    "heap-snapshot": { type: "boolean", default: false },
  },
});
const N = positiveInt("clients", args.clients);
const M = positiveInt("messages", args.messages);
const C = positiveInt("concurrency", args.concurrency);
/** Also diff heap snapshots (idle vs N streams) per constructor: slow and memory-hungry, a diagnostic. */
const SNAPSHOT = args["heap-snapshot"] ?? false;

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${raw})`);
    process.exit(2);
  }
  return n;
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

// ---------------------------------------------------------------------------------------------
// A minimal SSE reader over http.get

type Payload = { unreadCount: number; cursor: string; notification?: { id: string; title: string } };

/** Title of an in-flight message → resolves with the time its event arrived. */
const waiting = new Map<string, (t: number) => void>();
let eventsReceived = 0;

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

type Stream = { close(): void; openedMs: number };

function openStream(baseUrl: string, pathname: string, headers: Record<string, string>): Promise<Stream> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`no first event on ${pathname} in ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    const req = http.get(baseUrl + pathname, { agent, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new Error(`GET ${pathname} → ${res.statusCode}`));
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
          const t = performance.now();
          eventsReceived++;
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolve({ close: () => req.destroy(), openedMs: t - t0 });
          }
          const payload = JSON.parse(data) as Payload;
          const title = payload.notification?.title;
          if (title) {
            const w = waiting.get(title);
            if (w) {
              waiting.delete(title);
              w(t);
            }
          }
        }
      });
      res.on("error", () => {});
    });
    req.on("error", (e) => fail(e));
  });
}

// ---------------------------------------------------------------------------------------------
// The two servers behind one shape

type Target = {
  name: string;
  pid: number;
  inspectPort: number;
  /** Stream `i` (0..N-1 measured, N.. warm-up). */
  open(i: number): Promise<Stream>;
  /** Sends one message to the user behind stream `i`; resolves with the HTTP status. */
  send(i: number, title: string): Promise<number>;
  stop(): Promise<void>;
};

async function nextTarget(): Promise<Target> {
  // Users go into the database before the server opens it: a second writer while the server
  // switches the file to WAL at start-up makes that pragma fail with SQLITE_BUSY.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-bench-"));
  const databaseUrl = `file:${path.join(dir, "app.db")}`;
  migrate(databaseUrl);
  await seedDemo(databaseUrl);
  const total = N + WARMUP_STREAMS;
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
    open: (i) => openStream(server.baseUrl, "/api/realtime/sse", { cookie: cookies[i]! }),
    async send(i, title) {
      const res = await admin.fetch("/api/admin/announcements", {
        method: "POST",
        json: { title, body: "bench body", audience: { type: "users", emails: [users[i]!.email] } },
      });
      await res.arrayBuffer();
      return res.status;
    },
    async stop() {
      await server.stop();
    },
  };
}

async function bareTarget(): Promise<Target> {
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
    open: (i) => openStream(baseUrl, `/sse?u=u${i}`, {}),
    async send(i, title) {
      const res = await fetch(`${baseUrl}/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ to: [`u${i}`], title, body: "bench body" }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The workload

type Pass = { concurrency: number; latency: Stats; post: Stats; lost: number; wallMs: number };
type Result = {
  name: string;
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
  open: Stats;
  openWallMs: number;
  passes: Pass[];
};

let titleSeq = 0;

async function sendOne(target: Target, i: number): Promise<{ latency: number; post: number } | null> {
  const title = `bench-${target.name}-${++titleSeq}`;
  let timer: NodeJS.Timeout | undefined;
  const received = new Promise<number | null>((resolve) => {
    waiting.set(title, resolve);
    timer = setTimeout(() => {
      waiting.delete(title);
      resolve(null);
    }, EVENT_TIMEOUT_MS);
  });
  const t0 = performance.now();
  const status = await target.send(i, title);
  const post = performance.now() - t0;
  if (status !== 201) {
    clearTimeout(timer);
    waiting.delete(title);
    console.error(`[bench] ${target.name}: send to #${i} → HTTP ${status}`);
    return null;
  }
  const t = await received;
  clearTimeout(timer);
  return t === null ? null : { latency: t - t0, post };
}

/** Message k of a pass goes to a client spread across all N (a stride coprime with N). */
function recipients(count: number, offset: number): number[] {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let stride = Math.max(1, Math.floor(N * 0.618));
  while (gcd(stride, N) !== 1) stride++;
  return Array.from({ length: count }, (_, k) => (offset + k * stride) % N);
}

async function runPass(target: Target, concurrency: number, offset: number): Promise<Pass> {
  const latency: number[] = [];
  const post: number[] = [];
  let lost = 0;
  const t0 = performance.now();
  await pool(recipients(M, offset), concurrency, async (i) => {
    const r = await sendOne(target, i);
    if (!r) lost++;
    else {
      latency.push(r.latency);
      post.push(r.post);
    }
  });
  return { concurrency, latency: stats(latency), post: stats(post), lost, wallMs: performance.now() - t0 };
}

async function measure(make: () => Promise<Target>): Promise<Result> {
  const target = await make();
  const streams: Stream[] = [];
  try {
    // Warm up: load the stream and send routes, JIT the paths, fill the connection pools.
    const warm = await Promise.all(Array.from({ length: WARMUP_STREAMS }, (_, k) => target.open(N + k)));
    for (let k = 0; k < WARMUP_MESSAGES; k++) await sendOne(target, N + (k % WARMUP_STREAMS));
    for (const s of warm) s.close();
    await sleep(SETTLE_MS);
    // Both readings follow a forced full GC, so RSS before and after opening are comparable.
    const heapIdle = await heapAfterGc(target.inspectPort);
    const rssIdleKiB = await sampleRss(target.pid);
    const histIdle = SNAPSHOT ? await heapHistogram(target.inspectPort) : undefined;

    const opened: number[] = [];
    const tOpen = performance.now();
    await pool(
      Array.from({ length: N }, (_, i) => i),
      OPEN_CONCURRENCY,
      async (i) => {
        const s = await target.open(i);
        streams.push(s);
        opened.push(s.openedMs);
      },
    );
    const openWallMs = performance.now() - tOpen;
    await sleep(SETTLE_MS);
    const heapOpen = await heapAfterGc(target.inspectPort);
    const rssOpenKiB = await sampleRss(target.pid);
    const histOpen = histIdle ? await heapHistogram(target.inspectPort) : undefined;
    const snapshotDiff = histIdle && histOpen ? histogramDiff(histIdle, histOpen, N, "per stream") : undefined;
    console.log(`[bench] ${target.name}: ${N} streams open in ${Math.round(openWallMs)} ms`);

    const passes = [await runPass(target, 1, 0), await runPass(target, C, Math.floor(N / 2))];
    await sleep(SETTLE_MS);
    const rssAfterKiB = await sampleRss(target.pid); // before a GC: what traffic leaves behind
    const heapAfter = await heapAfterGc(target.inspectPort);
    const rssAfterGcKiB = await sampleRss(target.pid);
    const messageDiff = histOpen ? histogramDiff(histOpen, await heapHistogram(target.inspectPort), 2 * M, "per message") : undefined;
    for (const p of passes) {
      console.log(`[bench] ${target.name}: ${M} messages at concurrency ${p.concurrency} in ${Math.round(p.wallMs)} ms (${p.lost} lost)`);
    }
    // Close every stream: what the heap keeps afterwards is not held by a stream.
    for (const s of streams.splice(0)) s.close();
    await sleep(SETTLE_MS);
    const heapClosed = await heapAfterGc(target.inspectPort);
    return {
      name: target.name,
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
      open: stats(opened),
      openWallMs,
      passes,
    };
  } finally {
    for (const s of streams) s.close();
    await sleep(200);
    await target.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

function report(ours: Result, bare: Result): void {
  const rows: Array<[string, number, number, number?]> = [];
  const perStream = (r: Result) => (r.rssOpenKiB - r.rssIdleKiB) / N;
  rows.push(["server RSS before streams, after GC (MiB)", ours.rssIdleKiB / 1024, bare.rssIdleKiB / 1024]);
  rows.push([`server RSS with ${N} streams, after GC (MiB)`, ours.rssOpenKiB / 1024, bare.rssOpenKiB / 1024]);
  rows.push(["RSS per open stream (KiB)", perStream(ours), perStream(bare)]);
  const heapPer = (r: Result) => (r.heapOpen.heapUsed - r.heapIdle.heapUsed) / N;
  const extPer = (r: Result) => (r.heapOpen.external - r.heapIdle.external) / N;
  rows.push(["JS heap per open stream, after GC (KiB)", heapPer(ours), heapPer(bare)]);
  rows.push(["external+buffers per open stream, after GC (KiB)", extPer(ours), extPer(bare)]);
  rows.push([`server RSS after ${2 * M} messages, no GC (MiB)`, ours.rssAfterKiB / 1024, bare.rssAfterKiB / 1024]);
  rows.push([`server RSS after ${2 * M} messages, after GC (MiB)`, ours.rssAfterGcKiB / 1024, bare.rssAfterGcKiB / 1024]);
  const grown = (r: Result) => (r.heapAfter.heapUsed - r.heapOpen.heapUsed) / 1024;
  rows.push([`JS heap growth over ${2 * M} messages, after GC (MiB)`, grown(ours), grown(bare), 2]);
  const left = (r: Result) => (r.heapClosed.heapUsed - r.heapIdle.heapUsed) / 1024;
  rows.push(["JS heap left once all streams closed, after GC (MiB)", left(ours), left(bare), 2]);
  rows.push([`open ${N} streams, wall (ms, ${OPEN_CONCURRENCY} in flight)`, ours.openWallMs, bare.openWallMs, 0]);
  rows.push(["time to first event p50 (ms)", ours.open.p50, bare.open.p50]);
  rows.push(["time to first event p99 (ms)", ours.open.p99, bare.open.p99]);
  for (let k = 0; k < ours.passes.length; k++) {
    const a = ours.passes[k]!;
    const b = bare.passes[k]!;
    const tag = a.concurrency === 1 ? "sequential" : `concurrency ${a.concurrency}`;
    rows.push([`POST→event p50 (ms), ${tag}`, a.latency.p50, b.latency.p50]);
    rows.push([`POST→event p95 (ms), ${tag}`, a.latency.p95, b.latency.p95]);
    rows.push([`POST→event p99 (ms), ${tag}`, a.latency.p99, b.latency.p99]);
    rows.push([`POST→event max (ms), ${tag}`, a.latency.max, b.latency.max]);
    rows.push([`POST round trip p50 (ms), ${tag}`, a.post.p50, b.post.p50]);
    rows.push([`messages/s, ${tag}`, (a.latency.n / a.wallMs) * 1000, (b.latency.n / b.wallMs) * 1000]);
    rows.push([`events lost, ${tag}`, a.lost, b.lost, 0]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const line = (a: string, b: string, c: string, d: string) => `| ${a.padEnd(w0)} | ${b.padStart(9)} | ${c.padStart(9)} | ${d.padStart(7)} |`;
  console.log("");
  console.log(line("metric", "next", "bare", "ratio"));
  console.log(`|${"-".repeat(w0 + 2)}|${"-".repeat(11)}:|${"-".repeat(11)}:|${"-".repeat(9)}:|`);
  for (const [label, a, b, digits] of rows) {
    const ratio = a > 0 && b > 0 ? `${fmt(a / b, 2)}×` : "—";
    console.log(line(label, fmt(a, digits ?? 1), fmt(b, digits ?? 1), label.startsWith("events lost") ? "" : ratio));
  }
  console.log("");
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const fdLimit = openFileLimit();
  if (fdLimit < N + WARMUP_STREAMS + 200) {
    console.error(`[bench] open-file limit ${fdLimit} is too low for ${N} clients: raise it (ulimit -n ${N * 2 + 1000})`);
    return 2;
  }
  console.log(
    `[bench] ${N} clients, ${M} messages per pass (sequential, then concurrency ${C}); node ${process.version}, ` +
      `${os.cpus().length} CPUs, open-file limit ${fdLimit}; raw http.get SSE reader`,
  );
  const ours = await measure(nextTarget);
  const bare = await measure(bareTarget);
  report(ours, bare);
  for (const r of [ours, bare]) {
    if (r.snapshotDiff) console.log(`${r.name}: where the heap of a held stream goes\n\n${r.snapshotDiff}\n`);
    if (r.messageDiff) console.log(`${r.name}: what each message leaves on the heap (streams still open)\n\n${r.messageDiff}\n`);
  }
  console.log(`[bench] events received by clients: ${eventsReceived}; bench process RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`);
  const lost = [...ours.passes, ...bare.passes].reduce((n, p) => n + p.lost, 0);
  if (lost) console.error(`[bench] ${lost} messages were not delivered within ${EVENT_TIMEOUT_MS} ms`);
  return lost ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error("[bench] failed:", e);
    process.exit(1);
  },
);
