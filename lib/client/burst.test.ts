import { describe, expect, it } from "vitest";
import { BurstDetector } from "./burst";

describe("BurstDetector", () => {
  it("lets up to three arrivals within a second through on their own", () => {
    const d = new BurstDetector<string>();
    expect(d.arrive("a", 0)).toEqual({ kind: "single" });
    expect(d.arrive("b", 100)).toEqual({ kind: "single" });
    expect(d.arrive("c", 200)).toEqual({ kind: "single" });
  });

  it("collapses the fourth arrival within a second with the three before it", () => {
    const d = new BurstDetector<string>();
    for (const [k, t] of [["a", 0], ["b", 10], ["c", 20]] as const) d.arrive(k, t);
    expect(d.arrive("d", 30)).toEqual({ kind: "start", count: 4, keys: ["a", "b", "c"] });
    expect(d.arrive("e", 40)).toEqual({ kind: "grow", count: 5 });
  });

  it("keeps a burst going while arrivals are less than a second apart, then starts afresh", () => {
    const d = new BurstDetector<string>();
    for (let i = 0; i < 4; i++) d.arrive(`k${i}`, i);
    expect(d.arrive("x", 900)).toEqual({ kind: "grow", count: 5 });
    expect(d.arrive("y", 1800)).toEqual({ kind: "grow", count: 6 });
    expect(d.arrive("z", 2800)).toEqual({ kind: "single" });
  });

  it("counts a sliding window, not arrivals since the first", () => {
    const d = new BurstDetector<string>();
    expect(d.arrive("a", 0)).toEqual({ kind: "single" });
    expect(d.arrive("b", 600)).toEqual({ kind: "single" });
    expect(d.arrive("c", 900)).toEqual({ kind: "single" });
    // "a" has left the window: three within the last second.
    expect(d.arrive("d", 1200)).toEqual({ kind: "single" });
    expect(d.arrive("e", 1300)).toEqual({ kind: "start", count: 4, keys: ["b", "c", "d"] });
  });

  it("spaced arrivals never collapse", () => {
    const d = new BurstDetector<number>();
    for (let i = 0; i < 20; i++) expect(d.arrive(i, i * 400)).toEqual({ kind: "single" });
  });

  it("takes another threshold and window", () => {
    const d = new BurstDetector<string>(1, 100);
    expect(d.arrive("a", 0)).toEqual({ kind: "single" });
    expect(d.arrive("b", 50)).toEqual({ kind: "start", count: 2, keys: ["a"] });
  });
});
