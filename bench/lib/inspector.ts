// The servers' inspectors (each server runs with --inspect on a free loopback port): a forced GC and
// the heap read after it, heap snapshots folded per constructor, and the sampling CPU profiler.
// Nothing attaches except for a reading (and, with --cpu-profile, during the profiled phase).
import { WebSocket } from "ws";

/** The inspectors announce themselves on stderr (which the harness forwards): drop those lines. */
export function silenceInspectorNoise(): void {
  const noise = /^(Debugger listening on ws:|For help, see: https:\/\/nodejs\.org|Debugger attached\.|Debugger ending on ws:)/;
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    const kept = text
      .split(/(?<=\n)/)
      .filter((line) => !noise.test(line))
      .join("");
    return kept ? (stderrWrite as (c: string, ...r: unknown[]) => boolean)(kept, ...rest) : true;
  }) as typeof process.stderr.write;
}

export type Heap = { heapUsed: number; external: number; arrayBuffers: number };

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
async function heapOf(inspectPort: number): Promise<Heap> {
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

/** The summed heap of some servers (one inspector port each), each read after a forced full GC. */
export async function heapAfterGc(inspectPorts: readonly number[]): Promise<Heap> {
  const sum: Heap = { heapUsed: 0, external: 0, arrayBuffers: 0 };
  for (const port of inspectPorts) {
    const h = await heapOf(port);
    sum.heapUsed += h.heapUsed;
    sum.external += h.external;
    sum.arrayBuffers += h.arrayBuffers;
  }
  return sum;
}

export type Histogram = Map<string, { count: number; bytes: number }>;

/** A heap snapshot (which collects garbage first) folded into self size and count per constructor. */
export async function heapHistogram(inspectPort: number): Promise<Histogram> {
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

export function histogramDiff(before: Histogram, after: Histogram, per: number, unit: string, top = 30): string {
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
export async function startProfile(inspectPort: number): Promise<{ stop(): Promise<string> }> {
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
  const functions = new Map<string, number>();
  let all = 0;
  for (let k = 0; k < p.samples.length; k++) {
    const ms = (p.timeDeltas[k] ?? 0) / 1000;
    let id: number | undefined = p.samples[k]!;
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === "(idle)") continue;
    const frame = byId.get(id)!.callFrame;
    const fn = `${leaf || "(anonymous)"} ${frame.url ? `(${area(frame.url)})` : "(native)"}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
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
    .concat([`| all (not idle) | ${Math.round(all)} | |`, "", "| function (self time) | ms | share |", "|---|---:|---:|"])
    .concat(
      [...functions]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => `| ${k.replaceAll("|", "\\|")} | ${Math.round(v)} | ${((100 * v) / all).toFixed(1)} % |`),
    )
    .join("\n");
}
