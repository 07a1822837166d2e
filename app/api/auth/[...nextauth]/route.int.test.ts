// Every failed sign-in here counts against the server's per-address budget (100 per 15 min)
// shared by the whole suite; wrong passwords are only ever tried on fresh accounts.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baseUrl } from "@/test/api";
import { DEMO_PASSWORD, TestClient } from "@/test/client";

type Session = { user?: { id: string; email: string; name: string; role: string }; expires?: string };

async function session(client: TestClient): Promise<Session> {
  const res = await client.fetch("/api/auth/session");
  expect(res.status).toBe(200);
  return (await res.json()) as Session;
}

/** The credentials callback as the login page calls it; returns the status and the URL next-auth sends the browser to. */
async function attempt(client: TestClient, email: string, password: string): Promise<{ status: number; url: string }> {
  const csrf = (await (await client.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await client.fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, email, password, json: "true" }).toString(),
  });
  const body = (await res.json()) as { url: string };
  return { status: res.status, url: body.url };
}

// The guard against malformed JSON lives in the route (it used to be a 500 from next-auth's
// unguarded `req.json()`); the server under test runs the build in .next, so that test waits
// for a build that contains the route's current source.
const root = path.resolve(__dirname, "../../../..");
const buildHasRouteSource =
  fs.statSync(path.join(root, ".next", "BUILD_ID")).mtimeMs >= fs.statSync(path.join(__dirname, "route.ts")).mtimeMs;

const hasSession = (client: TestClient) => /next-auth\.session-token=/.test(client.cookieHeader());

describe("next-auth credentials sign-in", () => {
  it("hands out a CSRF token and an empty session to an anonymous client", async () => {
    const client = new TestClient(baseUrl);
    const csrf = await client.fetch("/api/auth/csrf");
    expect(csrf.status).toBe(200);
    expect(await csrf.json()).toEqual({ csrfToken: expect.stringMatching(/^[0-9a-f]{32,}$/) });
    expect(await session(client)).toEqual({});
  });

  it("lists the credentials provider", async () => {
    const res = await fetch(`${baseUrl}/api/auth/providers`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ credentials: { id: "credentials", type: "credentials" } });
  });

  it("signs a demo user in, with id and role in the session, whatever the email's case", async () => {
    const client = new TestClient(baseUrl);
    expect(await client.signIn("  ALICE@Example.com ")).toBe(true);
    expect(await session(client)).toEqual({
      user: { id: expect.any(String), email: "alice@example.com", name: "Alice", role: "user" },
      expires: expect.any(String),
    });
    // the session cookie is what the API reads
    expect((await client.fetch("/api/notifications?limit=1")).status).toBe(200);

    const admin = new TestClient(baseUrl);
    expect(await admin.signIn("admin@example.com")).toBe(true);
    expect((await session(admin)).user).toMatchObject({ email: "admin@example.com", role: "admin" });
  });

  it("gives no session for a wrong password or an unknown email", async () => {
    const owner = new TestClient(baseUrl);
    const me = await owner.signUpFresh("auth-wrong");

    const client = new TestClient(baseUrl);
    const wrong = await attempt(client, me.email, "wrong password");
    expect(wrong.status).toBe(401);
    expect(wrong.url).toMatch(/error=CredentialsSignin/);
    expect(hasSession(client)).toBe(false);
    expect(await session(client)).toEqual({});
    expect((await client.fetch("/api/notifications")).status).toBe(401);

    const unknown = await attempt(client, "nobody-at-all@test.example", "password123");
    expect(unknown.status).toBe(401);
    expect(hasSession(client)).toBe(false);
    expect(await session(client)).toEqual({});

    // a failure or two does not lock the account
    expect(await client.signIn(me.email, "password123")).toBe(true);
  });

  it("refuses a sign-in without the CSRF token", async () => {
    const client = new TestClient(baseUrl);
    const res = await client.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "bob@example.com", password: DEMO_PASSWORD, json: "true" }).toString(),
    });
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();
    expect(hasSession(client)).toBe(false);
    expect(await session(client)).toEqual({});
  });

  it("refuses even the right password after 10 failures for one email, and only for that email", async () => {
    const owner = new TestClient(baseUrl);
    const me = await owner.signUpFresh("auth-limit");
    const attacker = new TestClient(baseUrl);
    for (let i = 0; i < 10; i++) {
      // the email's case does not give an attacker a fresh budget
      const email = i % 2 ? me.email.toUpperCase() : me.email;
      const r = await attempt(attacker, email, `guess-${i}`);
      expect(r.status).toBe(401);
    }
    const refused = await attempt(attacker, me.email, "password123");
    expect(refused.status).toBe(401);
    expect(refused.url).toMatch(/error=rate_limited/);
    expect(hasSession(attacker)).toBe(false);
    expect(await session(attacker)).toEqual({});
    expect(await new TestClient(baseUrl).signIn(me.email, "password123")).toBe(false);

    // the session the owner already had keeps working, and other accounts can still sign in
    expect((await owner.fetch("/api/notifications")).status).toBe(200);
    expect(await new TestClient(baseUrl).signIn("bob@example.com")).toBe(true);
  });

  it("signs out: the session cookie is cleared", async () => {
    const client = new TestClient(baseUrl);
    expect(await client.signIn("bob@example.com")).toBe(true);
    const csrf = (await (await client.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await client.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
    expect(hasSession(client)).toBe(false);
    expect(await session(client)).toEqual({});
  });

  // Skipped only when .next is older than route.ts (a stale local build would test old code);
  // npm test and CI build first, so there it always runs.
  it.skipIf(!buildHasRouteSource)("answers a malformed JSON body with 400 invalid_json, not a 500", async () => {
    for (const action of ["callback/credentials", "signin/credentials", "signout", "session", "csrf", "_log"]) {
      for (const body of ["{", "", "{\"email\": "]) {
        const res = await fetch(`${baseUrl}/api/auth/${action}`, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await res.text();
        expect(res.status, `${action} ${JSON.stringify(body)} → ${res.status} ${text}`).toBe(400);
        expect(JSON.parse(text)).toEqual({ error: { code: "invalid_json", message: expect.any(String) } });
      }
    }
  });

  it("never answers nasty sign-in input with a 5xx", async () => {
    const client = new TestClient(baseUrl);
    const csrf = (await (await client.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const bodies: Array<[string, string]> = [
      ["application/x-www-form-urlencoded", `csrfToken=${csrf.csrfToken}&email=${"a".repeat(5000)}&password=x`],
      ["application/x-www-form-urlencoded", `csrfToken=${csrf.csrfToken}&email[]=a&password[]=b`],
      ["application/x-www-form-urlencoded", "%%%"],
      ["application/json", JSON.stringify({ csrfToken: csrf.csrfToken, email: { $ne: 1 }, password: 1 })],
      ["application/json", "null"],
      ["application/json", "[]"],
      ["text/plain", "\u0000"],
    ];
    for (const [type, body] of bodies) {
      const res = await client.fetch("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": type }, body });
      expect(res.status, `${type} ${body.slice(0, 40)} → ${res.status}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
    for (const path of ["/api/auth/session?x=%00", "/api/auth/nope", "/api/auth/callback/nope", "/api/auth/signin/nope"]) {
      const res = await client.fetch(path);
      expect(res.status, path).toBeLessThan(500);
      await res.arrayBuffer();
    }
    const forged = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z" } });
    expect(forged.status).toBe(200);
    expect(await forged.json()).toEqual({});
    expect(hasSession(client)).toBe(false);
  });
});
