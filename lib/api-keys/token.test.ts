import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerKey, DISPLAY_PREFIX_LENGTH, displayPrefix, generateApiKey, hashApiKey, isWellFormedKey, KEY_PREFIX } from "./token";

describe("generateApiKey", () => {
  it("makes nk_ + 32 random bytes in base64url, different every time", () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const k of keys) {
      expect(k).toMatch(/^nk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(k.slice(KEY_PREFIX.length), "base64url")).toHaveLength(32);
      expect(isWellFormedKey(k)).toBe(true);
    }
  });
});

describe("hashApiKey", () => {
  it("is the hex SHA-256 of the whole key", () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey()));
  });
});

describe("displayPrefix", () => {
  it("keeps nk_ and 8 characters: enough to tell keys apart, far too little to use", () => {
    const key = generateApiKey();
    expect(displayPrefix(key)).toBe(key.slice(0, DISPLAY_PREFIX_LENGTH));
    expect(displayPrefix(key)).toHaveLength(11);
    expect(displayPrefix(key).startsWith("nk_")).toBe(true);
  });
});

describe("bearerKey", () => {
  const key = generateApiKey();

  it.each([`Bearer ${key}`, `bearer ${key}`, `BEARER  ${key} `])("reads %j", (header) => {
    expect(bearerKey(header)).toBe(key);
  });

  it.each([
    null,
    undefined,
    "",
    "Bearer",
    "Bearer ",
    key,
    `Basic ${key}`,
    `Token ${key}`,
    `Bearer ${key} extra`,
    `Bearer ${key}x`,
    `Bearer ${key.slice(0, -1)}`,
    `Bearer xk_${key.slice(3)}`,
    `Bearer ${key.slice(0, 10)}!${key.slice(11)}`,
    "Bearer nk_",
    `Bearer\t${key}`,
  ])("refuses %j", (header) => {
    expect(bearerKey(header)).toBeNull();
  });
});
