import { afterAll, describe, expect, it, vi } from "vitest";

const SECRET = vi.hoisted(() => {
  const secret = "unit-test-secret-0123456789abcdef";
  // lib/env reads AUTH_SECRET once, at import: set it before anything imports it.
  vi.stubEnv("AUTH_SECRET", secret);
  return secret;
});

// The real decode, counted: a token already decoded is not decrypted again until it expires.
vi.mock("next-auth/jwt", async (importOriginal) => {
  const real = await importOriginal<typeof import("next-auth/jwt")>();
  return { ...real, decode: vi.fn(real.decode) };
});

const { encode, decode } = await import("next-auth/jwt");
const { parseCookieHeader, userFromCookieHeader } = await import("./session-token");

afterAll(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const claims = { uid: "u_1", email: "alice@example.com", name: "Alice", role: "user" as const };
const expected = { id: "u_1", email: "alice@example.com", name: "Alice", role: "user" };

function token(over: Record<string, unknown> = {}, opts: { secret?: string; maxAge?: number } = {}) {
  return encode({ token: { ...claims, ...over }, secret: opts.secret ?? SECRET, maxAge: opts.maxAge });
}

describe("parseCookieHeader", () => {
  it("splits names and values, trims and URL-decodes", () => {
    const m = parseCookieHeader("a=1; b = two ;c=x%20y%3Dz; locale=zh-CN");
    expect([...m]).toEqual([
      ["a", "1"],
      ["b", "two"],
      ["c", "x y=z"],
      ["locale", "zh-CN"],
    ]);
  });

  it("keeps '=' inside values and tolerates bad escapes", () => {
    const m = parseCookieHeader("t=abc==; bad=%E0%A4%A; pct=100%");
    expect(m.get("t")).toBe("abc==");
    expect(m.get("bad")).toBe("%E0%A4%A");
    expect(m.get("pct")).toBe("100%");
  });

  it("skips parts without a name and handles empty input", () => {
    expect(parseCookieHeader(null).size).toBe(0);
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader("").size).toBe(0);
    expect([...parseCookieHeader("=x; novalue; ;k=")]).toEqual([["k", ""]]);
  });
});

describe("userFromCookieHeader", () => {
  it("reads the user from a valid session cookie", async () => {
    const t = await token();
    await expect(userFromCookieHeader(`locale=en; next-auth.session-token=${t}`)).resolves.toEqual(expected);
  });

  it("reads the __Secure- cookie name (HTTPS deployments)", async () => {
    const t = await token({ role: "admin" });
    await expect(userFromCookieHeader(`__Secure-next-auth.session-token=${t}`)).resolves.toEqual({
      ...expected,
      role: "admin",
    });
  });

  it("joins a chunked cookie (name.0, name.1, …)", async () => {
    const t = await token({ name: "A".repeat(300) });
    const third = Math.ceil(t.length / 3);
    const parts = [t.slice(0, third), t.slice(third, 2 * third), t.slice(2 * third)];
    // Order in the header does not matter; the index does.
    const header = `next-auth.session-token.2=${parts[2]}; next-auth.session-token.0=${parts[0]}; other=1; next-auth.session-token.1=${parts[1]}`;
    await expect(userFromCookieHeader(header)).resolves.toEqual({ ...expected, name: "A".repeat(300) });
  });

  it("refuses a chunked cookie with a chunk missing", async () => {
    const t = await token();
    const half = Math.ceil(t.length / 2);
    await expect(userFromCookieHeader(`next-auth.session-token.1=${t.slice(half)}`)).resolves.toBeNull();
    await expect(userFromCookieHeader(`next-auth.session-token.0=${t.slice(0, half)}`)).resolves.toBeNull();
  });

  it("returns null without a session cookie", async () => {
    await expect(userFromCookieHeader(null)).resolves.toBeNull();
    await expect(userFromCookieHeader("")).resolves.toBeNull();
    await expect(userFromCookieHeader("locale=en; session=abc")).resolves.toBeNull();
    await expect(userFromCookieHeader("next-auth.session-token=")).resolves.toBeNull();
  });

  it("returns null for a tampered token", async () => {
    const t = await token();
    const parts = t.split(".");
    // Flip one character of the ciphertext and, separately, of the tag.
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    const badCipher = [...parts.slice(0, 3), flip(parts[3]!, 5), parts[4]].join(".");
    const badTag = [...parts.slice(0, 4), flip(parts[4]!, 2)].join(".");
    await expect(userFromCookieHeader(`next-auth.session-token=${badCipher}`)).resolves.toBeNull();
    await expect(userFromCookieHeader(`next-auth.session-token=${badTag}`)).resolves.toBeNull();
    await expect(userFromCookieHeader("next-auth.session-token=not-a-jwt")).resolves.toBeNull();
  });

  it("returns null for a token signed with another secret", async () => {
    const t = await token({}, { secret: "another-secret-0123456789abcdef" });
    await expect(userFromCookieHeader(`next-auth.session-token=${t}`)).resolves.toBeNull();
  });

  it("returns null for an expired token", async () => {
    const t = await token({}, { maxAge: -60 }); // beyond next-auth's 15 s clock tolerance
    await expect(userFromCookieHeader(`next-auth.session-token=${t}`)).resolves.toBeNull();
  });

  it("returns null for a valid token without the claims the app needs", async () => {
    const noUid = await encode({ token: { email: "a@example.com", name: "A", role: "user" }, secret: SECRET });
    const badRole = await token({ role: "root" });
    await expect(userFromCookieHeader(`next-auth.session-token=${noUid}`)).resolves.toBeNull();
    await expect(userFromCookieHeader(`next-auth.session-token=${badRole}`)).resolves.toBeNull();
  });

  it("decrypts a token once, and stops accepting it when it expires", async () => {
    const t = await token({ uid: "u_cached" }, { maxAge: 60 });
    const header = `next-auth.session-token=${t}`;
    const calls = vi.mocked(decode).mock.calls.length;
    await expect(userFromCookieHeader(header)).resolves.toMatchObject({ id: "u_cached" });
    await expect(userFromCookieHeader(header)).resolves.toMatchObject({ id: "u_cached" });
    await expect(userFromCookieHeader(header)).resolves.toMatchObject({ id: "u_cached" });
    expect(vi.mocked(decode).mock.calls.length).toBe(calls + 1);
    // Past its expiry (and next-auth's 15 s tolerance) the remembered answer is not used.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 90_000);
    await expect(userFromCookieHeader(header)).resolves.toBeNull();
    vi.useRealTimers();
  });
});
