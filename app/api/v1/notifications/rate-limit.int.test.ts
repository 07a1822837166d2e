// The per-key limit, on a server of its own started with a tiny budget (the shared one allows 600).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "@/test/api";
import { TestClient } from "@/test/client";
import { startServer, type TestServer } from "@/test/server-harness";

const LIMIT = 3;
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startServer({ env: { API_KEY_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  admin = new TestClient(server.baseUrl);
  expect(await admin.signIn("admin@example.com")).toBe(true);
});

afterAll(async () => {
  await server?.stop();
});

async function newKey(name: string): Promise<string> {
  const res = await admin.fetch("/api/admin/api-keys", { method: "POST", json: { name } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

const send = (key: string, json: unknown = { to: ["alice@example.com"], title: "limited", body: "b" }) =>
  fetch(`${server.baseUrl}/api/v1/notifications`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(json),
  });

describe("POST /api/v1/notifications rate limit", () => {
  it("allows API_KEY_RATE_LIMIT_PER_MINUTE requests per key, then 429 with Retry-After; other keys are unaffected", async () => {
    const first = await newKey("busy");
    expect((await send(first)).status).toBe(201);
    expect((await send(first, { to: [], title: "", body: "" })).status).toBe(422); // refused requests count too
    expect((await send(first)).status).toBe(201);

    const res = await send(first);
    await expectError(res, 429, "rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const second = await newKey("quiet");
    expect((await send(second)).status).toBe(201);

    // A bad key is refused as unauthenticated, not counted against anyone.
    const bad = await fetch(`${server.baseUrl}/api/v1/notifications`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer nk_${"Z".repeat(43)}` },
      body: "{}",
    });
    await expectError(bad, 401, "unauthenticated");
  });
});
