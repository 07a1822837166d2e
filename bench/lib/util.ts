// Small helpers every benchmark here shares: waiting, percentiles, formatting, bounded concurrency and
// command-line numbers.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export type Stats = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function stats(xs: readonly number[]): Stats {
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

export function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

export function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer (got ${raw})`);
  return n;
}

export function positiveNumber(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) usage(`--${name} must be a positive number (got ${raw})`);
  return n;
}

/** A comma-separated list of positive integers, ascending and without repeats. */
export function positiveInts(name: string, raw: string): number[] {
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => positiveInt(name, s));
  if (!list.length) usage(`--${name} takes a comma-separated list of positive integers (got ${raw})`);
  return [...new Set(list)].sort((a, b) => a - b);
}

/** A comma-separated subset of `allowed`, in `allowed`'s order whatever order it was given in. */
export function subsetOf<T extends string>(name: string, raw: string, allowed: readonly T[], none?: string): T[] {
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (none !== undefined && list.length === 1 && list[0] === none) return [];
  const bad = list.filter((s) => !(allowed as readonly string[]).includes(s));
  if (!list.length || bad.length) usage(`--${name} takes a comma-separated list of ${allowed.join(", ")}${none ? ` (or ${none})` : ""} (got ${raw})`);
  return allowed.filter((s) => list.includes(s));
}
