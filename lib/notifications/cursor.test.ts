import { describe, expect, it } from "vitest";
import { cursorParam, encodeCursor, MAX_SEQ } from "./cursor";

describe("cursor", () => {
  it("round-trips through encode and cursorParam", () => {
    for (const seq of [0, 1, 42, 2 ** 20, MAX_SEQ]) {
      const c = encodeCursor(seq);
      expect(typeof c).toBe("string");
      expect(cursorParam.parse(c)).toBe(seq);
    }
  });

  it("orders like the seq it carries", () => {
    expect(Number(encodeCursor(9))).toBeLessThan(Number(encodeCursor(10)));
  });

  it.each(["", "-1", "1.5", "1e3", " 1", "0x10", "abc", "1234567890123456", "12a", "2147483648", "999999999999999"])("refuses %j", (c) => {
    const r = cursorParam.safeParse(c);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.message).toBe("Not a cursor this server issued.");
  });

  it("accepts leading zeros as the same number", () => {
    expect(cursorParam.parse("007")).toBe(7);
  });
});
