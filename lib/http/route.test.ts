import { afterAll, describe, expect, it, vi } from "vitest";
import type { AppError as AppErrorType } from "./errors";

// lib/env is parsed at import: set what it reads before anything imports it.
vi.hoisted(() => {
  vi.stubEnv("ALLOWED_ORIGINS", "https://partner.example.org, http://localhost:5173");
  vi.stubEnv("TRUST_PROXY", "0");
});
// assertSameOrigin needs no database; keep the Prisma client from opening one.
vi.mock("@/lib/db/client", () => ({ db: {}, dbReady: Promise.resolve() }));

const { assertSameOrigin } = await import("./route");
const { AppError } = await import("./errors");

afterAll(() => {
  vi.unstubAllEnvs();
});

function req(method: string, headers: Record<string, string>): Request {
  return new Request("http://app.example.com/api/notifications/read-all", { method, headers });
}

function refusal(r: Request): AppErrorType {
  try {
    assertSameOrigin(r);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppErrorType;
  }
  throw new Error("expected assertSameOrigin to refuse");
}

describe("assertSameOrigin", () => {
  it("accepts a mutation from the same host", () => {
    expect(() => assertSameOrigin(req("POST", { host: "app.example.com", origin: "http://app.example.com" }))).not.toThrow();
    expect(() =>
      assertSameOrigin(req("PATCH", { host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "same-origin" })),
    ).not.toThrow();
  });

  it("refuses a foreign origin with 403 forbidden", () => {
    const e = refusal(req("POST", { host: "app.example.com", origin: "https://evil.example" }));
    expect(e.code).toBe("forbidden");
    expect(e.status).toBe(403);
  });

  it("compares the port too", () => {
    expect(refusal(req("DELETE", { host: "localhost:3000", origin: "http://localhost:4000" })).code).toBe("forbidden");
  });

  it("refuses a look-alike host", () => {
    expect(refusal(req("POST", { host: "app.example.com", origin: "http://app.example.com.evil.example" })).code).toBe(
      "forbidden",
    );
  });

  it("refuses Sec-Fetch-Site: cross-site even without an Origin", () => {
    expect(refusal(req("POST", { host: "app.example.com", "sec-fetch-site": "cross-site" })).code).toBe("forbidden");
    expect(
      refusal(req("POST", { host: "app.example.com", origin: "http://app.example.com", "sec-fetch-site": "cross-site" }))
        .code,
    ).toBe("forbidden");
  });

  it('refuses the opaque "null" origin', () => {
    expect(refusal(req("POST", { host: "app.example.com", origin: "null" })).code).toBe("forbidden");
  });

  it("refuses an origin that is not a URL", () => {
    expect(refusal(req("PUT", { host: "app.example.com", origin: "app.example.com" })).code).toBe("forbidden");
  });

  it("accepts a mutation without Origin (not a browser)", () => {
    expect(() => assertSameOrigin(req("POST", { host: "app.example.com" }))).not.toThrow();
  });

  it.each(["GET", "HEAD", "OPTIONS"])("never checks %s", (method) => {
    expect(() =>
      assertSameOrigin(req(method, { host: "app.example.com", origin: "https://evil.example", "sec-fetch-site": "cross-site" })),
    ).not.toThrow();
  });

  it("accepts origins listed in ALLOWED_ORIGINS, exactly", () => {
    expect(() => assertSameOrigin(req("POST", { host: "app.example.com", origin: "https://partner.example.org" }))).not.toThrow();
    expect(() => assertSameOrigin(req("POST", { host: "app.example.com", origin: "http://localhost:5173" }))).not.toThrow();
    expect(refusal(req("POST", { host: "app.example.com", origin: "http://partner.example.org" })).code).toBe("forbidden");
  });

  it("ignores X-Forwarded-Host unless TRUST_PROXY=1", () => {
    const r = req("POST", { host: "app.example.com", "x-forwarded-host": "evil.example", origin: "https://evil.example" });
    expect(refusal(r).code).toBe("forbidden");
  });
});
