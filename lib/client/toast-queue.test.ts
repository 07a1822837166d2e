import { describe, expect, it } from "vitest";
import type { NotificationDto } from "@/lib/notifications/dto";
import { BurstDetector } from "./burst";
import { initialToastState, TOAST_LIMIT, toastKey, toastReducer, type ToastState } from "./toast-queue";

function note(id: string): NotificationDto {
  return { id, kind: "message", title: `Title ${id}`, body: "Body", link: null, createdAt: new Date(0).toISOString(), readAt: null };
}

/** Feeds arrivals at the given times through a detector and the reducer, as the component does. */
function run(arrivals: Array<[string, number]>, state: ToastState = initialToastState, detector = new BurstDetector<string>()) {
  for (const [id, now] of arrivals) {
    const n = note(id);
    state = toastReducer(state, { type: "arrive", notification: n, verdict: detector.arrive(toastKey(n), now), now });
  }
  return { state, detector };
}

function describeToasts(s: ToastState): string[] {
  return s.toasts.map((t) => (t.kind === "single" ? t.notification.id : `summary ${t.count}`));
}

describe("toastReducer", () => {
  it("shows one toast per notification, newest last", () => {
    const { state } = run([["a", 0], ["b", 2000]]);
    expect(describeToasts(state)).toEqual(["a", "b"]);
  });

  it("keeps at most three, dropping the oldest", () => {
    const { state } = run([["a", 0], ["b", 2000], ["c", 4000], ["d", 6000]]);
    expect(state.toasts).toHaveLength(TOAST_LIMIT);
    expect(describeToasts(state)).toEqual(["b", "c", "d"]);
  });

  it("collapses a replay burst into one summary that keeps counting", () => {
    const { state } = run([["a", 0], ["b", 1], ["c", 2], ["d", 3], ["e", 4], ["f", 5]]);
    expect(describeToasts(state)).toEqual(["summary 6"]);
    expect(state.toasts[0]!.shownAt).toBe(5);
  });

  it("keeps toasts outside the burst", () => {
    const { state } = run([["old", 0], ["a", 5000], ["b", 5001], ["c", 5002], ["d", 5003], ["later", 7000]]);
    expect(describeToasts(state)).toEqual(["summary 4", "later"]);
  });

  it("a burst after a burst gets a summary of its own", () => {
    const first = run([["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    const firstKey = first.state.toasts[0]!.key;
    const { state } = run([["e", 5000], ["f", 5001], ["g", 5002], ["h", 5003]], first.state, first.detector);
    expect(describeToasts(state)).toEqual(["summary 4"]);
    expect(state.toasts[0]!.key).not.toBe(firstKey);
  });

  it("dismisses by key, and a dismissed summary stays quiet for the rest of its burst", () => {
    let { state, detector } = run([["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    const key = state.toasts[0]!.key;
    state = toastReducer(state, { type: "dismiss", key });
    expect(state.toasts).toEqual([]);
    ({ state } = run([["e", 10]], state, detector));
    expect(state.toasts).toEqual([]);
    ({ state } = run([["f", 5000]], state, detector));
    expect(describeToasts(state)).toEqual(["f"]);
  });

  it("ignores a repeated notification and an unknown dismissal", () => {
    const { state } = run([["a", 0]]);
    const again = toastReducer(state, {
      type: "arrive",
      notification: note("a"),
      verdict: { kind: "single" },
      now: 3000,
    });
    expect(again).toBe(state);
    expect(toastReducer(state, { type: "dismiss", key: "nope" })).toBe(state);
  });
});
