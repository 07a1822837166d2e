import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, EVIL_ORIGIN, expectError, ISO } from "@/test/api";
import { TestClient } from "@/test/client";

let admin: TestClient;
const user = new TestClient(baseUrl);

beforeAll(async () => {
  admin = await adminClient();
  await user.signUpFresh("keys-revoke-user");
});

type Listed = { id: string; revokedAt: string | null };

async function newKey(name: string): Promise<{ id: string; key: string }> {
  const res = await admin.fetch("/api/admin/api-keys", { method: "POST", json: { name } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

async function listed(id: string): Promise<Listed | undefined> {
  const { items } = (await (await admin.fetch("/api/admin/api-keys")).json()) as { items: Listed[] };
  return items.find((k) => k.id === id);
}

const revoke = (client: TestClient, id: string, headers: Record<string, string> = {}) =>
  client.fetch(`/api/admin/api-keys/${id}`, { method: "DELETE", headers });

describe("DELETE /api/admin/api-keys/{id}", () => {
  it("revokes: 204, listed with revokedAt; idempotent, the first time kept", async () => {
    const { id } = await newKey("to revoke");
    const res = await revoke(admin, id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const first = (await listed(id))!.revokedAt;
    expect(first).toMatch(ISO);

    expect((await revoke(admin, id)).status).toBe(204);
    expect((await listed(id))!.revokedAt).toBe(first);
  });

  it("answers an unknown or malformed id with 404", async () => {
    await expectError(await revoke(admin, "cmnosuchkey000000000000"), 404, "not_found");
    await expectError(await revoke(admin, "bad%20id!"), 404, "not_found");
    await expectError(await revoke(admin, "x".repeat(65)), 404, "not_found");
  });

  it("refuses a user with 403, an anonymous client with 401, a cross-site request with 403; the key stays live", async () => {
    const { id } = await newKey("kept");
    await expectError(await revoke(user, id), 403, "forbidden");
    await expectError(await fetch(`${baseUrl}/api/admin/api-keys/${id}`, { method: "DELETE" }), 401, "unauthenticated");
    await expectError(await revoke(admin, id, { origin: EVIL_ORIGIN }), 403, "forbidden");
    await expectError(await revoke(admin, id, { "sec-fetch-site": "cross-site" }), 403, "forbidden");
    expect((await listed(id))!.revokedAt).toBeNull();
  });
});
