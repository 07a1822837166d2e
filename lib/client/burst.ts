// Replay bursts: a tab that (re)connects after a while receives every notification it missed at
// once. One toast (or announcement, or desktop notification) per notification would bury the
// screen, so more than `threshold` arrivals within `windowMs` collapse into one "N new" item that
// keeps counting while the burst goes on (arrivals less than `windowMs` apart).

export const BURST_THRESHOLD = 3;
export const BURST_WINDOW_MS = 1000;

export type BurstVerdict<K> =
  /** On its own: show it. */
  | { kind: "single" }
  /** This arrival makes a burst: replace the singles `keys` (this one excluded) by one summary of `count`. */
  | { kind: "start"; count: number; keys: K[] }
  /** A burst goes on: the summary now counts `count`. */
  | { kind: "grow"; count: number };

export class BurstDetector<K> {
  private recent: Array<{ at: number; key: K }> = [];
  private burst: { count: number; lastAt: number } | null = null;

  constructor(
    private readonly threshold = BURST_THRESHOLD,
    private readonly windowMs = BURST_WINDOW_MS,
  ) {}

  arrive(key: K, now: number): BurstVerdict<K> {
    if (this.burst && now - this.burst.lastAt < this.windowMs) {
      this.burst.count++;
      this.burst.lastAt = now;
      return { kind: "grow", count: this.burst.count };
    }
    this.burst = null;
    this.recent = this.recent.filter((r) => now - r.at < this.windowMs);
    this.recent.push({ at: now, key });
    if (this.recent.length <= this.threshold) return { kind: "single" };
    const keys = this.recent.slice(0, -1).map((r) => r.key);
    this.burst = { count: this.recent.length, lastAt: now };
    this.recent = [];
    return { kind: "start", count: this.burst.count, keys };
  }
}
