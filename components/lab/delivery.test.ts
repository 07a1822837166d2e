import { describe, expect, it } from "vitest";
import { type Arrival, type CountSample, deliveryVerdict, type LabTest } from "./delivery";

const test = (over: Partial<LabTest> = {}): LabTest => ({ key: 1, clickedAt: 1000, id: "n1", failed: false, ...over });
const none = new Map<string, Arrival>();

describe("deliveryVerdict", () => {
  it("is idle before any test and after a failed send", () => {
    expect(deliveryVerdict(null, none, [], null)).toEqual({ state: "idle", latencyMs: null, via: null });
    expect(deliveryVerdict(test({ failed: true }), none, [], null).state).toBe("idle");
  });

  it("measures from the click to the event carrying the notification's id", () => {
    const seen = new Map<string, Arrival>([["n0", { at: 900, via: null }], ["n1", { at: 1042, via: "sse" }]]);
    expect(deliveryVerdict(test(), seen, [], null)).toEqual({ state: "delivered", latencyMs: 42, via: "sse" });
  });

  it("counts an event that arrived before the POST answered", () => {
    const seen = new Map<string, Arrival>([["n1", { at: 1010, via: null }]]);
    // The id is not known yet: waiting; once it is, the earlier arrival is matched.
    expect(deliveryVerdict(test({ id: null }), seen, [], null).state).toBe("waiting");
    expect(deliveryVerdict(test(), seen, [], null)).toMatchObject({ state: "delivered", latencyMs: 10 });
  });

  it("takes the first count above the one held at the click for count-only transports", () => {
    const counts: CountSample[] = [
      { at: 500, count: 2, via: "poll" },
      { at: 995, count: 3, via: "poll" },
      { at: 3000, count: 3, via: "poll" },
      { at: 6000, count: 4, via: "poll" },
      { at: 9000, count: 5, via: "poll" },
    ];
    expect(deliveryVerdict(test({ id: null }), none, counts, null)).toEqual({ state: "delivered", latencyMs: 5000, via: "poll" });
  });

  it("needs a count from before the click to compare with", () => {
    expect(deliveryVerdict(test(), none, [{ at: 2000, count: 9, via: "poll" }], null).state).toBe("waiting");
  });

  it("is missed once this test's deadline passed, not an earlier one's", () => {
    expect(deliveryVerdict(test({ key: 2 }), none, [], 1).state).toBe("waiting");
    expect(deliveryVerdict(test({ key: 2 }), none, [], 2)).toEqual({ state: "missed", latencyMs: null, via: null });
    // A late arrival still tells the truth.
    const late = new Map<string, Arrival>([["n1", { at: 40_000, via: "longpoll" }]]);
    expect(deliveryVerdict(test(), late, [], 1)).toMatchObject({ state: "delivered", latencyMs: 39_000 });
  });
});
