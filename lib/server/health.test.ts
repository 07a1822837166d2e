import { afterEach, describe, expect, it, vi } from "vitest";
import { checkHealth, DB_CHECK_TIMEOUT_MS } from "./health";

afterEach(() => {
  vi.useRealTimers();
});

describe("checkHealth", () => {
  it("is ok when the database answers and the bus is up", async () => {
    expect(await checkHealth(() => Promise.resolve([{ 1: 1 }]), () => true)).toEqual({ ok: true, db: "ok", bus: "ok" });
  });

  it("names what is down", async () => {
    expect(await checkHealth(() => Promise.reject(new Error("refused")), () => true)).toEqual({ ok: false, db: "down", bus: "ok" });
    expect(await checkHealth(() => Promise.resolve(), () => false)).toEqual({ ok: false, db: "ok", bus: "down" });
  });

  it("answers db down once the timeout passes when the database never answers", async () => {
    vi.useFakeTimers();
    let answer: unknown;
    void checkHealth(() => new Promise(() => {}), () => true).then((h) => (answer = h));
    await vi.advanceTimersByTimeAsync(DB_CHECK_TIMEOUT_MS - 1);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toEqual({ ok: false, db: "down", bus: "ok" });
  });
});
