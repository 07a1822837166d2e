import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, deliver, expectError, list } from "@/test/api";
import { TestClient } from "@/test/client";

let admin: TestClient;
const user = new TestClient(baseUrl);
let me: { client: TestClient; email: string };

beforeAll(async () => {
  admin = await adminClient();
  me = { client: user, email: (await user.signUpFresh("count")).email };
});

type CountBody = { unreadCount: number; cursor: string };

async function state(client: TestClient, etag?: string): Promise<{ res: Response; body: CountBody | null; etag: string }> {
  const res = await client.fetch("/api/notifications/unread-count", { headers: etag ? { "if-none-match": etag } : {} });
  const text = await res.text();
  const tag = res.headers.get("etag");
  expect(tag, "every answer carries an ETag").toEqual(expect.any(String));
  return { res, body: text ? (JSON.parse(text) as CountBody) : null, etag: tag! };
}

describe("GET /api/notifications/unread-count", () => {
  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/notifications/unread-count`), 401, "unauthenticated");
  });

  it("answers {unreadCount, cursor} with an ETag, 304 on If-None-Match, and a new ETag after a change", async () => {
    const empty = await state(user);
    expect(empty.res.status).toBe(200);
    expect(empty.res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(empty.body).toEqual({ unreadCount: 0, cursor: expect.stringMatching(/^\d+$/) });
    expect(empty.res.headers.get("cache-control")).toMatch(/no-cache|no-store/);

    const same = await state(user, empty.etag);
    expect(same.res.status).toBe(304);
    expect(same.body).toBeNull();
    expect(same.etag).toBe(empty.etag);

    // a list of tags including the current one matches too; a different one does not
    expect((await state(user, `"nope", ${empty.etag}`)).res.status).toBe(304);
    expect((await state(user, `W/"nope"`)).res.status).toBe(200);

    const n = await deliver(admin, me, "count me");
    const one = await state(user, empty.etag);
    expect(one.res.status).toBe(200);
    expect(one.etag).not.toBe(empty.etag);
    expect(one.body).toEqual({ unreadCount: 1, cursor: expect.stringMatching(/^\d+$/) });
    expect(Number(one.body!.cursor)).toBeGreaterThan(Number(empty.body!.cursor));
    expect((await state(user, one.etag)).res.status).toBe(304);

    // matches the list endpoint
    expect((await list(user)).unreadCount).toBe(1);

    // reading changes the count, so the ETag changes again
    expect((await user.fetch(`/api/notifications/${n.id}`, { method: "PATCH", json: { read: true } })).status).toBe(200);
    const read = await state(user, one.etag);
    expect(read.res.status).toBe(200);
    expect(read.body).toEqual({ unreadCount: 0, cursor: one.body!.cursor });
    expect(read.etag).not.toBe(one.etag);

    // a second message gives a new cursor and tag
    await deliver(admin, me, "count me too");
    const two = await state(user, read.etag);
    expect(two.res.status).toBe(200);
    expect(two.body!.unreadCount).toBe(1);
    expect(Number(two.body!.cursor)).toBeGreaterThan(Number(one.body!.cursor));
    expect(two.etag).not.toBe(read.etag);
  });

  it("is per user: another user's ETag never matches", async () => {
    const other = new TestClient(baseUrl);
    await other.signUpFresh("count-other");
    const mine = await state(user);
    const theirs = await state(other);
    expect(theirs.body).toEqual({ unreadCount: 0, cursor: expect.any(String) });
    expect(theirs.etag).not.toBe(mine.etag);
    expect((await state(other, mine.etag)).res.status).toBe(200);
  });

  it("never answers odd headers or query strings with a 5xx", async () => {
    for (const inm of ["*", "", ",,,", "W/", '"' + "x".repeat(4000) + '"', "\u00e9"]) {
      const res = await user.fetch("/api/notifications/unread-count", { headers: { "if-none-match": encodeURI(inm) } });
      expect(res.status, inm.slice(0, 20)).toBeLessThan(500);
      await res.arrayBuffer();
    }
    const res = await user.fetch("/api/notifications/unread-count?cursor=abc&limit=%00");
    expect(res.status).toBe(200);
  });
});
