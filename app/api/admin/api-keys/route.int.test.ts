import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, EVIL_ORIGIN, expectError, ISO, testDb } from "@/test/api";
import { TestClient } from "@/test/client";

let admin: TestClient;
const user = new TestClient(baseUrl);

beforeAll(async () => {
  admin = await adminClient();
  await user.signUpFresh("keys-user");
});

type Created = { id: string; name: string; prefix: string; key: string; createdAt: string };
type Listed = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

const create = (client: TestClient, json: unknown, headers: Record<string, string> = {}) =>
  client.fetch("/api/admin/api-keys", { method: "POST", json, headers });

async function listKeys(): Promise<{ text: string; items: Listed[] }> {
  const res = await admin.fetch("/api/admin/api-keys");
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, items: (JSON.parse(text) as { items: Listed[] }).items };
}

describe("POST /api/admin/api-keys", () => {
  it("creates a key: 201 {id, name, prefix, key, createdAt}, the key shown this once and never stored", async () => {
    const res = await create(admin, { name: "  Billing backend  " });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toMatch(/no-store/);
    const created = (await res.json()) as Created;
    expect(created).toEqual({
      id: expect.any(String),
      name: "Billing backend",
      prefix: expect.stringMatching(/^nk_[A-Za-z0-9_-]{8}$/),
      key: expect.stringMatching(/^nk_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.stringMatching(ISO),
    });
    expect(created.key.startsWith(created.prefix)).toBe(true);

    // Listed without the key, ever.
    const { text, items } = await listKeys();
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(created.key.slice(created.prefix.length));
    expect(items.find((k) => k.id === created.id)).toEqual({
      id: created.id,
      name: "Billing backend",
      prefix: created.prefix,
      createdAt: created.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });

    // The database holds the SHA-256 of the key, not the key.
    const row = await testDb().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(Object.values(row).map(String).join(" ")).not.toContain(created.key.slice(created.prefix.length));
  });

  it("lists keys newest first, each key different", async () => {
    const a = (await (await create(admin, { name: "first" })).json()) as Created;
    const b = (await (await create(admin, { name: "first" })).json()) as Created;
    expect(a.key).not.toBe(b.key);
    const ids = (await listKeys()).items.map((k) => k.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
  });

  it.each<[string, unknown]>([
    ["no name", {}],
    ["an empty name", { name: "   " }],
    ["a long name", { name: "n".repeat(101) }],
    ["a non-string name", { name: 5 }],
    ["a list", []],
  ])("answers %s with 422 naming the field", async (_, json) => {
    const body = await expectError(await create(admin, json), 422, "validation_failed");
    expect(Object.keys(body.error.fields ?? {}).length).toBeGreaterThan(0);
  });

  it("answers malformed JSON with 400 and an oversized body with 413", async () => {
    const bad = await admin.fetch("/api/admin/api-keys", { method: "POST", headers: { "content-type": "application/json" }, body: "{name" });
    await expectError(bad, 400, "invalid_json");
    await expectError(await create(admin, { name: "x", pad: "p".repeat(8 * 1024) }), 413, "payload_too_large");
  });

  it("refuses a user with 403 and an anonymous client with 401", async () => {
    // Other test files create keys meanwhile: look for these names, not at the count.
    const name = `not an admin ${Date.now()}`;
    await expectError(await create(user, { name }), 403, "forbidden");
    const anon = await fetch(`${baseUrl}/api/admin/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `${name} (anonymous)` }),
    });
    await expectError(anon, 401, "unauthenticated");
    expect((await listKeys()).items.filter((k) => k.name.startsWith(name))).toEqual([]);
  });

  it("refuses a cross-site request with 403 and creates nothing", async () => {
    const name = `cross-site ${Date.now()}`;
    await expectError(await create(admin, { name }, { origin: EVIL_ORIGIN }), 403, "forbidden");
    await expectError(await create(admin, { name }, { "sec-fetch-site": "cross-site" }), 403, "forbidden");
    expect((await listKeys()).items.filter((k) => k.name === name)).toEqual([]);
  });
});

describe("GET /api/admin/api-keys", () => {
  it("refuses a user with 403 and an anonymous client with 401", async () => {
    await expectError(await user.fetch("/api/admin/api-keys"), 403, "forbidden");
    await expectError(await fetch(`${baseUrl}/api/admin/api-keys`), 401, "unauthenticated");
  });
});
