import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatOffset, localInputToIso, toLocalInputValue } from "./schedule";

let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env.TZ;
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

function inZone<T>(zone: string, fn: () => T): T {
  process.env.TZ = zone;
  return fn();
}

describe("localInputToIso", () => {
  it("writes the wall time with the browser's offset", () => {
    expect(inZone("Asia/Shanghai", () => localInputToIso("2030-05-06T07:08"))).toBe("2030-05-06T07:08:00+08:00");
    expect(inZone("UTC", () => localInputToIso("2030-05-06T07:08:09"))).toBe("2030-05-06T07:08:09+00:00");
    expect(inZone("Asia/Kolkata", () => localInputToIso("2030-01-01T00:00"))).toBe("2030-01-01T00:00:00+05:30");
    expect(inZone("America/St_Johns", () => localInputToIso("2030-01-15T12:00"))).toBe("2030-01-15T12:00:00-03:30");
  });

  it("uses the offset in force at that date (DST)", () => {
    expect(inZone("America/New_York", () => localInputToIso("2030-01-15T09:30"))).toBe("2030-01-15T09:30:00-05:00");
    expect(inZone("America/New_York", () => localInputToIso("2030-07-15T09:30"))).toBe("2030-07-15T09:30:00-04:00");
  });

  it("names the same instant as the wall time it was given", () => {
    const iso = inZone("Europe/Berlin", () => localInputToIso("2030-07-01T12:00"));
    expect(new Date(iso!).toISOString()).toBe("2030-07-01T10:00:00.000Z");
  });

  it("maps a wall time skipped by DST to a real instant", () => {
    // 02:30 does not exist in New York on 10 March 2030: the browser moves it to 03:30 EDT.
    const iso = inZone("America/New_York", () => localInputToIso("2030-03-10T02:30"));
    expect(iso).toBe("2030-03-10T03:30:00-04:00");
  });

  it.each(["", "2030-05-06", "2030-05-06 07:08", "2030-02-30T10:00", "2030-13-01T10:00", "2030-05-06T24:00", "2030-05-06T07:60", "tomorrow"])(
    "refuses %j",
    (value) => {
      expect(inZone("UTC", () => localInputToIso(value))).toBeNull();
    },
  );
});

describe("formatOffset and toLocalInputValue", () => {
  it("formats offsets", () => {
    expect(formatOffset(0)).toBe("+00:00");
    expect(formatOffset(330)).toBe("+05:30");
    expect(formatOffset(-210)).toBe("-03:30");
    expect(formatOffset(-600)).toBe("-10:00");
  });

  it("round-trips through the input's format", () => {
    inZone("Asia/Shanghai", () => {
      const d = new Date("2030-05-06T07:08:09.500+08:00");
      expect(toLocalInputValue(d)).toBe("2030-05-06T07:08:09");
      expect(localInputToIso(toLocalInputValue(d))).toBe("2030-05-06T07:08:09+08:00");
    });
  });
});
