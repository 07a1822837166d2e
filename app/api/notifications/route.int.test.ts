import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  baseUrl,
  deliver,
  type ErrorBody,
  expectError,
  expectNotification,
  insertMessages,
  list,
  type Notification,
} from "@/test/api";
import { TestClient } from "@/test/client";

// One inbox of 25: 22 messages (m1..m22, oldest first) then 3 announcements (a1..a3);
// a2, m22 and m1 are read, so 22 are unread.
const user = new TestClient(baseUrl);
const expectedOrder = ["a3", "a2", "a1", ...Array.from({ length: 22 }, (_, i) => `m${22 - i}`)];
const readTitles = new Set(["a2", "m22", "m1"]);

beforeAll(async () => {
  const admin = await adminClient();
  const me = await user.signUpFresh("list");
  await insertMessages(
    me.id,
    Array.from({ length: 22 }, (_, i) => `m${i + 1}`),
  );
  const byTitle = new Map<string, Notification>();
  for (const t of ["a1", "a2", "a3"]) byTitle.set(t, await deliver(admin, { client: user, email: me.email }, t, `**${t}** body`));
  const all = await list(user, "?limit=100");
  for (const n of all.items) byTitle.set(n.title, n);
  for (const t of readTitles) {
    const res = await user.fetch(`/api/notifications/${byTitle.get(t)!.id}`, { method: "PATCH", json: { read: true } });
    expect(res.status).toBe(200);
  }
});

describe("GET /api/notifications", () => {
  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/notifications`), 401, "unauthenticated");
  });

  it("answers a new user with an empty inbox", async () => {
    const fresh = new TestClient(baseUrl);
    await fresh.signUpFresh("list-empty");
    const res = await fresh.fetch("/api/notifications");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    // and never sees anyone else's notifications
    expect((await list(fresh, "?filter=unread")).items).toEqual([]);
  });

  it("lists newest first, 20 by default, with a next cursor and the unread count", async () => {
    const body = await list(user);
    expect(Object.keys(body).sort()).toEqual(["items", "nextCursor", "unreadCount"]);
    expect(body.items).toHaveLength(20);
    expect(body.items.map((n) => n.title)).toEqual(expectedOrder.slice(0, 20));
    expect(body.nextCursor).toEqual(expect.any(String));
    expect(body.unreadCount).toBe(22);
    for (const n of body.items) {
      expectNotification(n);
      expect(n.readAt === null).toBe(!readTitles.has(n.title));
    }
    const times = body.items.map((n) => Date.parse(n.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const a3 = body.items[0]!;
    expect(a3).toMatchObject({ kind: "announcement", body: "**a3** body", link: null, readAt: null });
    const m21 = body.items.find((n) => n.title === "m21")!;
    expect(m21).toMatchObject({ kind: "message", body: "*m21*", link: "/inbox" });
    expect(body.items.find((n) => n.title === "a2")!.readAt).toMatch(/Z$/);
  });

  it("honours limit from 1 to 100", async () => {
    const one = await list(user, "?limit=1");
    expect(one.items.map((n) => n.title)).toEqual(["a3"]);
    expect(one.nextCursor).toEqual(expect.any(String));
    expect(one.unreadCount).toBe(22);

    const hundred = await list(user, "?limit=100");
    expect(hundred.items.map((n) => n.title)).toEqual(expectedOrder);
    expect(hundred.nextCursor).toBeNull();

    const exact = await list(user, "?limit=25");
    expect(exact.items).toHaveLength(25);
    expect(exact.nextCursor).toBeNull();
  });

  it("pages through everything with nextCursor, each item once, in order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(user, `?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(7);
      expect(page.unreadCount).toBe(22);
      seen.push(...page.items.map((n) => n.title));
      cursor = page.nextCursor;
      if (cursor) expect(page.items).toHaveLength(7);
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expectedOrder);
  });

  it("continues with the default limit after a cursor", async () => {
    const first = await list(user);
    const second = await list(user, `?cursor=${first.nextCursor}`);
    expect(second.items.map((n) => n.title)).toEqual(expectedOrder.slice(20));
    expect(second.nextCursor).toBeNull();
  });

  it("filters all, unread and announcements, paging within the filter", async () => {
    const all = await list(user, "?filter=all&limit=100");
    expect(all.items.map((n) => n.title)).toEqual(expectedOrder);

    const unread = await list(user, "?filter=unread&limit=100");
    expect(unread.items.map((n) => n.title)).toEqual(expectedOrder.filter((t) => !readTitles.has(t)));
    expect(unread.items.every((n) => n.readAt === null)).toBe(true);
    expect(unread.unreadCount).toBe(22);
    expect(unread.nextCursor).toBeNull();

    const announcements = await list(user, "?filter=announcements");
    expect(announcements.items.map((n) => n.title)).toEqual(["a3", "a2", "a1"]);
    expect(announcements.items.every((n) => n.kind === "announcement")).toBe(true);
    expect(announcements.unreadCount).toBe(22);

    const unreadPage = await list(user, "?filter=unread&limit=2");
    expect(unreadPage.items.map((n) => n.title)).toEqual(["a3", "a1"]);
    const unreadNext = await list(user, `?filter=unread&limit=2&cursor=${unreadPage.nextCursor}`);
    expect(unreadNext.items.map((n) => n.title)).toEqual(["m21", "m20"]);

    const annPage = await list(user, "?filter=announcements&limit=2");
    expect(annPage.items.map((n) => n.title)).toEqual(["a3", "a2"]);
    const annNext = await list(user, `?filter=announcements&limit=2&cursor=${annPage.nextCursor}`);
    expect(annNext).toMatchObject({ nextCursor: null });
    expect(annNext.items.map((n) => n.title)).toEqual(["a1"]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=-1", "limit"],
    ["limit=1.5", "limit"],
    ["limit=", "limit"],
    ["filter=x", "filter"],
    ["filter=", "filter"],
    ["filter=ALL", "filter"],
    ["cursor=abc", "cursor"],
    ["cursor=-1", "cursor"],
    ["cursor=", "cursor"],
    ["cursor=1e3", "cursor"],
    ["cursor=99999999999999999999", "cursor"],
  ])("answers ?%s with 400 invalid_request naming %s", async (query, field) => {
    await expectError(await user.fetch(`/api/notifications?${query}`), 400, "invalid_request", { fields: [field] });
  });

  it("never answers a nasty query with a 5xx", async () => {
    const queries = [
      "cursor=999999999999999",
      "cursor=2147483648",
      "cursor=0",
      "limit=1e2",
      "limit=100000000000000000000000",
      "limit=NaN",
      "limit=Infinity",
      "limit=%00",
      "filter=%00",
      "filter[]=all",
      "filter=all&filter=unread",
      "limit=5&limit=500",
      "cursor=%F0%9F%92%A9",
      "cursor=%ZZ",
      "cursor=999999999999999",
      "filter=unread%27%20OR%201%3D1--",
      "x=" + "y".repeat(4000),
    ];
    for (const q of queries) {
      const res = await user.fetch(`/api/notifications?${q}`);
      expect(res.status, `?${q} → ${res.status} ${await res.clone().text()}`).toBeLessThan(500);
      if (res.status >= 400) expect(((await res.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
    // The largest cursor (the largest seq there can be) lists everything; one beyond it is refused above.
    const far = await list(user, "?cursor=2147483647&limit=100");
    expect(far.items.map((n) => n.title)).toEqual(expectedOrder);
    const start = await list(user, "?cursor=0");
    expect(start).toEqual({ items: [], nextCursor: null, unreadCount: 22 });
  });
});
