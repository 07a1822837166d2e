import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { beginOwnAction, HOLD_MAX_MS, OwnActions, registerOwnActions } from "./own-actions";

describe("OwnActions", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function make() {
    const released: string[] = [];
    const own = new OwnActions<string>((v) => released.push(v), () => Date.now());
    return { own, released };
  }

  it("releases arrivals at once when nothing is pending", () => {
    const { own, released } = make();
    own.arrive("a", "A");
    expect(released).toEqual(["A"]);
  });

  it("drops the own notification that arrives before the response, releases the rest", () => {
    const { own, released } = make();
    const action = own.begin();
    own.arrive("mine", "MINE");
    own.arrive("other", "OTHER");
    expect(released).toEqual([]);
    action.end("mine");
    expect(released).toEqual(["OTHER"]);
  });

  it("drops the own notification that arrives after the response", () => {
    const { own, released } = make();
    own.begin().end("mine");
    own.arrive("mine", "MINE");
    own.arrive("x", "X");
    expect(released).toEqual(["X"]);
  });

  it("holds until every overlapping action ended", () => {
    const { own, released } = make();
    const a = own.begin();
    const b = own.begin();
    own.arrive("a", "A");
    own.arrive("b", "B");
    own.arrive("c", "C");
    a.end("a");
    expect(released).toEqual([]);
    b.end("b");
    expect(released).toEqual(["C"]);
  });

  it("an action that failed (no id) releases what it held", () => {
    const { own, released } = make();
    const a = own.begin();
    own.arrive("x", "X");
    a.end(null);
    a.end(null);
    expect(released).toEqual(["X"]);
  });

  it("never holds longer than the cap, and a late end still suppresses", () => {
    const { own, released } = make();
    const a = own.begin();
    own.arrive("x", "X");
    vi.advanceTimersByTime(HOLD_MAX_MS);
    expect(released).toEqual(["X"]);
    own.arrive("y", "Y");
    expect(released).toEqual(["X", "Y"]);
    a.end("late");
    own.arrive("late", "LATE");
    expect(released).toEqual(["X", "Y"]);
  });

  it("forgets suppressed ids after a while", () => {
    const { own, released } = make();
    own.begin().end("mine");
    vi.advanceTimersByTime(6 * 60_000);
    own.arrive("mine", "MINE");
    expect(released).toEqual(["MINE"]);
  });

  it("beginOwnAction goes through the registered instance, else does nothing", () => {
    expect(() => beginOwnAction().end("x")).not.toThrow();
    const { own, released } = make();
    const unregister = registerOwnActions(own);
    const action = beginOwnAction();
    own.arrive("mine", "MINE");
    action.end("mine");
    expect(released).toEqual([]);
    unregister();
    own.dispose();
  });
});
