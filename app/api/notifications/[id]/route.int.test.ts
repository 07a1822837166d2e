import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  baseUrl,
  bigJson,
  deliver,
  EVIL_ORIGIN,
  expectError,
  expectNotification,
  list,
  type Notification,
  unreadCount,
} from "@/test/api";
import { sendMessage, TestClient } from "@/test/client";

// Two users: `owner` acts on their own inbox, `other` owns notifications the owner must never touch.
let admin: TestClient;
const owner = new TestClient(baseUrl);
const other = new TestClient(baseUrl);
let ownerUser: { client: TestClient; email: string };
let otherUser: { client: TestClient; email: string };
let foreign: Notification;

beforeAll(async () => {
  admin = await adminClient();
  ownerUser = { client: owner, email: (await owner.signUpFresh("item-owner")).email };
  otherUser = { client: other, email: (await other.signUpFresh("item-other")).email };
  foreign = await deliver(admin, otherUser, "other's secret");
});

async function expectForeignUntouched(): Promise<void> {
  const items = (await list(other, "?limit=100")).items;
  const still = items.find((n) => n.id === foreign.id);
  expect(still, "the other user's notification is still there").toEqual(foreign);
  expect(still!.readAt).toBeNull();
}

const patch = (client: TestClient, id: string, json: unknown, headers: Record<string, string> = {}) =>
  client.fetch(`/api/notifications/${id}`, { method: "PATCH", json, headers });

describe("PATCH /api/notifications/{id}", () => {
  it("marks read and unread, answering {item, unreadCount}", async () => {
    const n = await deliver(admin, ownerUser, "patch me", "**hello**");
    await deliver(admin, ownerUser, "patch other");
    expect(await unreadCount(owner)).toBe(2);

    const res = await patch(owner, n.id, { read: true });
    expect(res.status).toBe(200);
    const read = (await res.json()) as { item: Notification; unreadCount: number };
    expect(Object.keys(read).sort()).toEqual(["item", "unreadCount"]);
    expectNotification(read.item);
    expect(read.item).toEqual({ ...n, readAt: expect.any(String) });
    expect(Date.parse(read.item.readAt!)).toBeGreaterThanOrEqual(Date.parse(n.createdAt));
    expect(read.unreadCount).toBe(1);

    // idempotent: reading again keeps the first readAt
    const again = (await (await patch(owner, n.id, { read: true })).json()) as { item: Notification; unreadCount: number };
    expect(again).toEqual(read);

    const unreadRes = await patch(owner, n.id, { read: false });
    expect(unreadRes.status).toBe(200);
    const unread = (await unreadRes.json()) as { item: Notification; unreadCount: number };
    expect(unread).toEqual({ item: { ...n, readAt: null }, unreadCount: 2 });
    expect((await list(owner, "?limit=100")).items.find((x) => x.id === n.id)!.readAt).toBeNull();
  });

  it("answers an unknown or malformed id with 404", async () => {
    for (const id of ["clunknownid0000000000000", "x", "a".repeat(64), "a".repeat(65), "bad%20id", "'%20OR%201=1", "%E2%98%83"]) {
      await expectError(await patch(owner, id, { read: true }), 404, "not_found");
    }
  });

  it("answers an undecodable id with 400 invalid_request", async () => {
    for (const id of ["%", "%zz", "a%E2%98"]) {
      await expectError(await patch(owner, id, { read: true }), 400, "invalid_request");
      await expectError(await owner.fetch(`/api/notifications/${id}`, { method: "DELETE" }), 400, "invalid_request");
    }
  });

  it("answers another user's notification with 404 and leaves it alone", async () => {
    const res = await patch(owner, foreign.id, { read: true });
    const body = await expectError(res, 404, "not_found");
    // the same answer as for an id that never existed: nothing reveals that it exists
    const unknown = await expectError(await patch(owner, "clunknownid0000000000000", { read: true }), 404, "not_found");
    expect(body).toEqual(unknown);
    await expectError(await patch(owner, foreign.id, { read: false }), 404, "not_found");
    await expectForeignUntouched();
    expect(await unreadCount(other)).toBe(1);
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    const n = await deliver(admin, ownerUser, "bad json target");
    for (const body of ["{", "", "read=true", "{read: true}", "{\"read\": tru}", "\u0000"]) {
      const res = await owner.fetch(`/api/notifications/${n.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body,
      });
      await expectError(res, 400, "invalid_json");
    }
  });

  it("answers wrong types with 422 validation_failed naming the field", async () => {
    const n = await deliver(admin, ownerUser, "wrong types target");
    for (const json of [{ read: "true" }, { read: 1 }, { read: null }, {}, { readAt: "now" }, { read: [true] }]) {
      await expectError(await patch(owner, n.id, json), 422, "validation_failed", { fields: ["read"] });
    }
    for (const json of [null, [], "read", 42, true]) {
      const body = await expectError(await patch(owner, n.id, json), 422, "validation_failed");
      expect(Object.keys(body.error.fields ?? {})).not.toHaveLength(0);
    }
    expect((await list(owner, "?limit=100")).items.find((x) => x.id === n.id)!.readAt).toBeNull();
  });

  it("refuses an oversized body with 413", async () => {
    const n = await deliver(admin, ownerUser, "oversized target");
    for (const size of [2 * 1024, 65 * 1024]) {
      const res = await owner.fetch(`/api/notifications/${n.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: bigJson(size),
      });
      await expectError(res, 413, "payload_too_large");
    }
    // a chunked body without Content-Length is capped as it is read
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(bigJson(4 * 1024)));
        c.close();
      },
    });
    const chunked = await owner.fetch(`/api/notifications/${n.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await expectError(chunked, 413, "payload_too_large");
    expect((await list(owner, "?limit=100")).items.find((x) => x.id === n.id)!.readAt).toBeNull();
  });

  it("refuses a cross-site request with 403 and changes nothing", async () => {
    const n = await deliver(admin, ownerUser, "cross-site patch target");
    await expectError(await patch(owner, n.id, { read: true }, { origin: EVIL_ORIGIN }), 403, "forbidden");
    await expectError(await patch(owner, n.id, { read: true }, { "sec-fetch-site": "cross-site" }), 403, "forbidden");
    await expectError(await patch(owner, n.id, { read: true }, { origin: "null" }), 403, "forbidden");
    expect((await list(owner, "?limit=100")).items.find((x) => x.id === n.id)!.readAt).toBeNull();
    // the same request from our own origin goes through
    expect((await patch(owner, n.id, { read: true }, { origin: baseUrl })).status).toBe(200);
  });

  it("refuses an anonymous client with 401", async () => {
    await expectError(
      await fetch(`${baseUrl}/api/notifications/${foreign.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ read: true }),
      }),
      401,
      "unauthenticated",
    );
    await expectForeignUntouched();
  });
});

describe("DELETE /api/notifications/{id}", () => {
  const del = (client: TestClient, id: string, headers: Record<string, string> = {}) =>
    client.fetch(`/api/notifications/${id}`, { method: "DELETE", headers });

  it("deletes with 204 and no body, and updates the unread count", async () => {
    const keep = await deliver(admin, ownerUser, "delete keep");
    const gone = await deliver(admin, ownerUser, "delete gone");
    const before = await unreadCount(owner);

    const res = await del(owner, gone.id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    const after = await list(owner, "?limit=100");
    expect(after.items.some((n) => n.id === gone.id)).toBe(false);
    expect(after.items.some((n) => n.id === keep.id)).toBe(true);
    expect(after.unreadCount).toBe(before - 1);

    await expectError(await del(owner, gone.id), 404, "not_found");
    await expectError(await patch(owner, gone.id, { read: true }), 404, "not_found");
  });

  it("hides an announcement for this user only", async () => {
    const res = await sendMessage(admin, [ownerUser.email, otherUser.email], "shared announcement");
    expect(res.status).toBe(201);
    const mine = (await list(owner, "?limit=100")).items.find((n) => n.title === "shared announcement")!;
    const theirs = (await list(other, "?limit=100")).items.find((n) => n.title === "shared announcement")!;
    expect(mine.id).not.toBe(theirs.id);
    const otherCount = await unreadCount(other);

    expect((await del(owner, mine.id)).status).toBe(204);
    expect((await list(owner, "?filter=announcements&limit=100")).items.some((n) => n.title === "shared announcement")).toBe(false);
    expect((await list(other, "?limit=100")).items.find((n) => n.id === theirs.id)).toEqual(theirs);
    expect(await unreadCount(other)).toBe(otherCount);
  });

  it("answers an unknown or malformed id with 404", async () => {
    for (const id of ["clunknownid0000000000000", "x", "a".repeat(65), "%00", "..%2F..", "%E2%98%83"]) {
      await expectError(await del(owner, id), 404, "not_found");
    }
  });

  it("answers another user's notification with 404 and leaves it in place", async () => {
    await expectError(await del(owner, foreign.id), 404, "not_found");
    await expectForeignUntouched();
    expect(await unreadCount(other)).toBeGreaterThanOrEqual(1);
  });

  it("refuses a cross-site request with 403 and deletes nothing", async () => {
    const n = await deliver(admin, ownerUser, "cross-site delete target");
    await expectError(await del(owner, n.id, { origin: EVIL_ORIGIN }), 403, "forbidden");
    await expectError(await del(owner, n.id, { "sec-fetch-site": "cross-site" }), 403, "forbidden");
    expect((await list(owner, "?limit=100")).items.find((x) => x.id === n.id)).toEqual(n);
  });

  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/notifications/${foreign.id}`, { method: "DELETE" }), 401, "unauthenticated");
    await expectForeignUntouched();
  });
});

describe("/api/notifications/{id} under nasty input", () => {
  it("never answers with a 5xx", async () => {
    const n = await deliver(admin, ownerUser, "nasty target");
    const ids = [n.id, foreign.id, "", "%", "%25", "a".repeat(5000), "null", "undefined", "__proto__", "constructor", "%F0%9F%92%A9"];
    const bodies: Array<string | undefined> = [
      undefined,
      "null",
      "[]",
      "{\"read\":true,\"__proto__\":{\"admin\":true}}",
      "{\"read\":true,\"read\":\"x\"}",
      "[".repeat(512) + "]".repeat(512),
      "{\"read\":" + "1".repeat(400) + "}",
      "\uFEFF{\"read\":true}",
      "\"\\ud800\"",
    ];
    for (const id of ids) {
      for (const body of bodies) {
        for (const method of ["PATCH", "DELETE"] as const) {
          const res = await owner.fetch(`/api/notifications/${id}`, {
            method,
            headers: { "content-type": "application/json" },
            body,
          });
          const text = await res.text();
          expect(res.status, `${method} ${id.slice(0, 40)} ${String(body).slice(0, 40)} → ${res.status} ${text}`).toBeLessThan(500);
          if (res.status >= 400) expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
        }
        if (id === n.id) break; // only the first body deletes it; the rest must 404 cleanly
      }
    }
    const res = await owner.fetch(`/api/notifications/${n.id}`, { method: "PATCH", body: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]) });
    expect(res.status).toBeLessThan(500);
    await expectForeignUntouched();
  });
});
