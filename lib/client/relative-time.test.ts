import { describe, expect, it } from "vitest";
import { relativeNow } from "./relative-time";

describe("relativeNow", () => {
  const created = new Date("2026-01-01T12:00:00Z");
  it("reads 'now' under a minute, and for a clock slightly behind the server", () => {
    expect(relativeNow(created, new Date("2026-01-01T12:00:59Z"))).toBe(created);
    expect(relativeNow(created, new Date("2026-01-01T11:59:58Z"))).toBe(created);
  });
  it("measures from now after a minute", () => {
    const now = new Date("2026-01-01T12:02:00Z");
    expect(relativeNow(created, now)).toBe(now);
  });
});
