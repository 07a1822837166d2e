// What the kernel says about a process: resident memory, CPU time, open-file limits.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { percentile, sleep } from "./util";

/** VmRSS of a process, in KiB. */
export function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Summed VmRSS of some processes, the median of five readings a moment apart (RSS moves with GC). */
export async function sampleRss(pids: readonly number[]): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(pids.reduce((sum, pid) => sum + rssKiB(pid), 0));
    await sleep(200);
  }
  return percentile(
    xs.sort((a, b) => a - b),
    50,
  );
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** CPU time (user + system) some processes have used so far, in ms (resolution 1000 / CLK_TCK). */
export function cpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    total += ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  }
  return total;
}

/** CPU time this bench process has used so far, in ms. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The share of one core some processes burn over `ms`. */
export async function cpuShare(pids: readonly number[], ms: number): Promise<number> {
  const c0 = cpuMs(pids);
  const w0 = performance.now();
  await sleep(ms);
  return (cpuMs(pids) - c0) / (performance.now() - w0);
}

/**
 * Waits until the processes burn less than `cores` of CPU over a 500 ms window (the work a phase
 * left behind is done: long-poll re-polls, GC), or until `maxMs`. Resolves with the last window's
 * share of one core.
 */
export async function untilQuiet(pids: readonly number[], { cores = 0.15, minMs = 500, maxMs = 20_000 } = {}): Promise<number> {
  const t0 = performance.now();
  await sleep(minMs);
  for (;;) {
    const share = await cpuShare(pids, 500);
    if (share < cores || performance.now() - t0 > maxMs) return share;
  }
}

function openFileLimits(): { soft: number; hard: number } {
  const limits = fs.readFileSync("/proc/self/limits", "utf8");
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  const n = (s: string | undefined) => (s === undefined || s === "unlimited" ? Infinity : Number(s));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}

/**
 * Makes sure this process (and the servers it starts, which inherit the limit) may open `need` files.
 * Node raises its soft limit to the hard one at start-up, so only the hard limit can be too low: then
 * it says how to raise it and exits. Returns the limit.
 */
export function ensureOpenFiles(need: number): number {
  const { soft, hard } = openFileLimits();
  if (soft >= need) return soft;
  console.error(
    `[bench] the open-file limit is too low: ${need} needed (clients, plus a margin), soft limit ${soft}, hard limit ${hard}. ` +
      `Raise it (\`ulimit -n ${need}\` in the shell that runs the bench, as root or in /etc/security/limits.conf for the hard limit) or use fewer --clients.`,
  );
  process.exit(2);
}

/** A free loopback port (for a server's inspector). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = http.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
