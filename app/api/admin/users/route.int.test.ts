import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, expectError, testDb } from "@/test/api";
import { TestClient } from "@/test/client";

type Match = { id: string; email: string; name: string; role: string };

let admin: TestClient;
const user = new TestClient(baseUrl);
const tag = randomUUID().slice(0, 8);

beforeAll(async () => {
  admin = await adminClient();
  await user.signUpFresh("users-user");
});

async function search(query: string): Promise<Match[]> {
  const res = await admin.fetch(`/api/admin/users${query}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("cache-control")).toMatch(/no-store/);
  const body = JSON.parse(text) as { items: Match[] };
  expect(Object.keys(body)).toEqual(["items"]);
  return body.items;
}

async function signUp(email: string, name: string): Promise<{ id: string }> {
  const res = await fetch(`${baseUrl}/api/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "password123", name }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string };
}

describe("GET /api/admin/users", () => {
  it("refuses an anonymous client with 401 and a user with 403", async () => {
    await expectError(await fetch(`${baseUrl}/api/admin/users?q=a`), 401, "unauthenticated");
    await expectError(await user.fetch("/api/admin/users?q=a"), 403, "forbidden");
  });

  it.each([
    ["no q", "", "q"],
    ["an empty q", "?q=", "q"],
    ["a blank q", "?q=%20%20", "q"],
    ["a q over 100 characters", `?q=${"a".repeat(101)}`, "q"],
    ["limit 0", "?q=a&limit=0", "limit"],
    ["limit 11", "?q=a&limit=11", "limit"],
    ["a limit that is not a number", "?q=a&limit=ten", "limit"],
    ["a fractional limit", "?q=a&limit=2.5", "limit"],
  ])("answers %s with 400 naming the field", async (_, query, field) => {
    await expectError(await admin.fetch(`/api/admin/users${query}`), 400, "invalid_request", { fields: [field] });
  });

  it("finds accounts by email prefix, whatever its case: {items: [{id, email, name, role}]}", async () => {
    const alice = await testDb().user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    expect(await search("?q=alice%40")).toEqual([{ id: alice.id, email: "alice@example.com", name: "Alice", role: "user" }]);
    expect((await search("?q=ALICE%40EXAMPLE")).map((u) => u.email)).toEqual(["alice@example.com"]);
    expect((await search("?q=admin%40")).map((u) => [u.email, u.role])).toEqual([["admin@example.com", "admin"]]);
    // A prefix only: the middle of an address does not match.
    expect(await search("?q=lice%40example.com")).toEqual([]);
  });

  it("finds accounts by name prefix, ignoring ASCII case", async () => {
    const email = `zz-${tag}@test.example`;
    const { id } = await signUp(email, `Quentin ${tag}`);
    expect(await search(`?q=quentin%20${tag}`)).toEqual([{ id, email, name: `Quentin ${tag}`, role: "user" }]);
    expect((await search(`?q=QUENTIN%20${tag.toUpperCase()}`)).map((u) => u.id)).toEqual([id]);
  });

  it("answers at most 10 (or limit), sorted by email", async () => {
    const prefix = `many-${tag}`;
    for (let i = 0; i < 12; i++) await signUp(`${prefix}-${String(i).padStart(2, "0")}@test.example`, "Many");
    const ten = await search(`?q=${prefix}`);
    expect(ten.map((u) => u.email)).toEqual(Array.from({ length: 10 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}@test.example`));
    expect((await search(`?q=${prefix}&limit=3`)).length).toBe(3);
  });

  it("treats % and _ as plain characters, never as wildcards", async () => {
    const email = `wild_${tag}@test.example`;
    await signUp(email, `50%_off ${tag}`);
    expect(await search("?q=%25")).toEqual([]);
    expect(await search(`?q=${encodeURIComponent(`w_ld_${tag}`)}`)).toEqual([]);
    expect((await search(`?q=${encodeURIComponent(`wild_${tag}`)}`)).map((u) => u.email)).toEqual([email]);
    expect((await search(`?q=${encodeURIComponent(`50%_off ${tag}`)}`)).map((u) => u.email)).toEqual([email]);
    expect(await search(`?q=${encodeURIComponent(`5_%_off ${tag}`)}`)).toEqual([]);
  });

  it("never answers password hashes", async () => {
    const res = await admin.fetch("/api/admin/users?q=a");
    expect(await res.text()).not.toMatch(/passwordHash|\$2[aby]\$/);
  });
});
