// The shared integration server lifts the per-address sign-up limit (every test file signs users
// up from one address); the limit itself is tested at the end on a server of its own.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { baseUrl, bigJson, EVIL_ORIGIN, expectError } from "@/test/api";
import { TestClient } from "@/test/client";
import { startServer } from "@/test/server-harness";

const freshEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@test.example`;

const signup = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}/api/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("POST /api/signup", () => {
  it("creates a user account: 201 {id, email, name}, then it can sign in as role user", async () => {
    const email = freshEmail("Signup.Mixed");
    const res = await signup({ email: `  ${email.toUpperCase()} `, password: "correct horse", name: "  Zoë Example  " });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const user = (await res.json()) as Record<string, unknown>;
    expect(user).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: "Zoë Example" });
    expect((user.id as string).length).toBeGreaterThan(0);

    const client = new TestClient(baseUrl);
    expect(await client.signIn(email, "correct horse")).toBe(true);
    const session = (await (await client.fetch("/api/auth/session")).json()) as { user: Record<string, unknown> };
    expect(session.user).toMatchObject({ id: user.id, email: email.toLowerCase(), name: "Zoë Example", role: "user" });
    // and has an empty inbox of its own
    expect(await (await client.fetch("/api/notifications")).json()).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    // 409 when the email is taken, whatever its case
    for (const taken of [email, email.toUpperCase()]) {
      await expectError(await signup({ email: taken, password: "another password", name: "Again" }), 409, "conflict");
    }
    // the original password still works: the 409 changed nothing
    expect(await new TestClient(baseUrl).signIn(email, "correct horse")).toBe(true);
  });

  it("answers 409 for a demo account's email", async () => {
    await expectError(await signup({ email: "Alice@Example.com", password: "password123", name: "Mallory" }), 409, "conflict");
    expect(await new TestClient(baseUrl).signIn("alice@example.com")).toBe(true);
  });

  it("answers invalid fields with 422 validation_failed naming each", async () => {
    const body = await expectError(
      await signup({ email: "not-an-email", password: "short", name: "" }),
      422,
      "validation_failed",
      { fields: ["email", "password", "name"], exactFields: true },
    );
    expect(body.error.fields!.password).toMatch(/8/);

    await expectError(await signup({ email: freshEmail("short"), password: "1234567", name: "Short" }), 422, "validation_failed", {
      fields: ["password"],
      exactFields: true,
    });
    await expectError(await signup({ email: 42, password: 12345678, name: ["x"] }), 422, "validation_failed", {
      fields: ["email", "password", "name"],
      exactFields: true,
    });
    const missing = await expectError(await signup({}), 422, "validation_failed", { fields: ["email", "password", "name"] });
    expect(missing.error.message).toEqual(expect.any(String));
    await expectError(await signup([]), 422, "validation_failed");
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    await expectError(await signup('{"email": "a@b.c", "password": '), 400, "invalid_json");
  });

  it("refuses a body over its cap with 413", async () => {
    await expectError(await signup(bigJson(65 * 1024)), 413, "payload_too_large");
  });

  it("refuses a cross-site sign-up with 403 and creates nothing", async () => {
    const email = freshEmail("evil");
    await expectError(await signup({ email, password: "password123", name: "Evil" }, { origin: EVIL_ORIGIN }), 403, "forbidden");
    expect(await new TestClient(baseUrl).signIn(email, "password123")).toBe(false);
  });

  it("never answers a nasty body with a 5xx", async () => {
    const bodies = [
      "null",
      JSON.stringify({ email: `${"a".repeat(300)}@test.example`, password: "x".repeat(201), name: "n".repeat(101) }),
      JSON.stringify({ email: "a@b.c\u0000", password: "password123", name: "\ud800" }),
      JSON.stringify({ email: { $ne: null }, password: { length: 9 }, name: "__proto__", __proto__: { role: "admin" } }),
      "[".repeat(2000) + "]".repeat(2000),
    ];
    for (const body of bodies) {
      const res = await signup(body);
      const text = await res.text();
      expect(res.status, `${body.slice(0, 40)} → ${res.status} ${text}`).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    }
  });
});

describe("the sign-up limit per address", () => {
  it("refuses the address's next sign-up with 429 and Retry-After once the limit is spent", async () => {
    const server = await startServer({ env: { SIGNUP_LIMIT_PER_10_MIN: "3" } });
    try {
      const at = (body: unknown) =>
        fetch(`${server.baseUrl}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      for (let i = 0; i < 3; i++) {
        expect((await at({ email: freshEmail("limit"), password: "password123", name: "Limit" })).status).toBe(201);
      }
      const refused = await at({ email: freshEmail("limit"), password: "password123", name: "Limit" });
      await expectError(refused, 429, "rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
