import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, deliver, EVIL_ORIGIN, expectError, list, unreadCount } from "@/test/api";
import { TestClient } from "@/test/client";

let admin: TestClient;
const user = new TestClient(baseUrl);
const bystander = new TestClient(baseUrl);
let me: { client: TestClient; email: string };
let them: { client: TestClient; email: string };

beforeAll(async () => {
  admin = await adminClient();
  me = { client: user, email: (await user.signUpFresh("readall")).email };
  them = { client: bystander, email: (await bystander.signUpFresh("readall-other")).email };
});

const readAll = (client: TestClient, init: RequestInit & { json?: unknown } = {}) =>
  client.fetch("/api/notifications/read-all", { method: "POST", ...init });

describe("POST /api/notifications/read-all", () => {
  it("refuses a cross-site request with 403 and reads nothing", async () => {
    await deliver(admin, me, "cross-site read-all");
    const before = await unreadCount(user);
    expect(before).toBeGreaterThan(0);
    await expectError(await readAll(user, { headers: { origin: EVIL_ORIGIN } }), 403, "forbidden");
    await expectError(await readAll(user, { headers: { "sec-fetch-site": "cross-site" } }), 403, "forbidden");
    expect(await unreadCount(user)).toBe(before);
    expect((await list(user, "?filter=unread&limit=100")).items).toHaveLength(before);
  });

  it("marks every notification of the user read and answers {unreadCount: 0}", async () => {
    for (const t of ["ra 1", "ra 2", "ra 3"]) await deliver(admin, me, t);
    const theirs = await deliver(admin, them, "not yours to read");
    const first = await list(user, "?limit=100");
    expect(first.unreadCount).toBeGreaterThanOrEqual(3);
    // one already read keeps its readAt
    const early = first.items.find((n) => n.title === "ra 1")!;
    const patched = await user.fetch(`/api/notifications/${early.id}`, { method: "PATCH", json: { read: true } });
    const earlyReadAt = ((await patched.json()) as { item: { readAt: string } }).item.readAt;

    const res = await readAll(user);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ unreadCount: 0 });

    const after = await list(user, "?limit=100");
    expect(after.unreadCount).toBe(0);
    expect(after.items).toHaveLength(first.items.length);
    for (const n of after.items) expect(n.readAt).toEqual(expect.any(String));
    expect(after.items.find((n) => n.id === early.id)!.readAt).toBe(earlyReadAt);
    expect((await list(user, "?filter=unread")).items).toEqual([]);
    expect(await unreadCount(user)).toBe(0);

    // nobody else's inbox is touched
    expect((await list(bystander, "?limit=100")).items.find((n) => n.id === theirs.id)).toEqual(theirs);
    expect(await unreadCount(bystander)).toBe(1);
  });

  it("is idempotent, also on an empty inbox", async () => {
    const empty = new TestClient(baseUrl);
    await empty.signUpFresh("readall-empty");
    for (let i = 0; i < 2; i++) {
      const res = await readAll(empty);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ unreadCount: 0 });
    }
    const again = await readAll(user);
    expect(await again.json()).toEqual({ unreadCount: 0 });
  });

  it("leaves new arrivals after it unread", async () => {
    await readAll(user);
    await deliver(admin, me, "after read-all");
    const body = await list(user, "?filter=unread");
    expect(body.items.map((n) => n.title)).toEqual(["after read-all"]);
    expect(body.unreadCount).toBe(1);
    await readAll(user);
  });

  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/notifications/read-all`, { method: "POST" }), 401, "unauthenticated");
    await expectError(await fetch(`${baseUrl}/api/notifications/read-all`, { method: "POST", headers: { cookie: "next-auth.session-token=forged" } }), 401, "unauthenticated");
  });

  it("never answers a nasty request with a 5xx", async () => {
    const bodies: Array<BodyInit | undefined> = [undefined, "{", "null", "[]", '{"ids":["x"]}', "x".repeat(70 * 1024), new Uint8Array([0xff, 0x00])];
    for (const body of bodies) {
      const res = await readAll(user, { body, headers: { "content-type": "application/json" } });
      expect(res.status, String(body).slice(0, 30)).toBeLessThan(500);
      await res.arrayBuffer();
    }
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const res = await user.fetch("/api/notifications/read-all", { method });
      expect(res.status, method).toBeLessThan(500);
      await res.arrayBuffer();
    }
    const res = await user.fetch("/api/notifications/read-all?x=%00", { method: "POST" });
    expect(res.status).toBe(200);
  });
});
