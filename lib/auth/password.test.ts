import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

// bcrypt is slow on purpose: hash once, share it.
let hash: string;
beforeAll(async () => {
  hash = await hashPassword("demo1234");
});

describe("password hashing", () => {
  it("hashes with bcrypt (cost 10) and a fresh salt each time", async () => {
    expect(hash).toMatch(/^\$2[aby]\$10\$.{53}$/);
    expect(hash).not.toContain("demo1234");
    const again = await hashPassword("demo1234");
    expect(again).not.toBe(hash);
    await expect(verifyPassword("demo1234", again)).resolves.toBe(true);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    await expect(verifyPassword("demo1234", hash)).resolves.toBe(true);
    await expect(verifyPassword("demo123", hash)).resolves.toBe(false);
    await expect(verifyPassword("", hash)).resolves.toBe(false);
  });

  it("refuses when there is no hash (unknown account), even for the dummy's own password", async () => {
    await expect(verifyPassword("anything", null)).resolves.toBe(false);
    await expect(verifyPassword("not-a-password", undefined)).resolves.toBe(false);
  });
});
