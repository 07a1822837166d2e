import type { EventSource } from "eventsource";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, EVIL_ORIGIN, expectError, expectNotification, ISO, list, testDb } from "@/test/api";
import { collect, TestClient } from "@/test/client";

let admin: TestClient;
let key: string;
const alice = new TestClient(baseUrl);
const bob = new TestClient(baseUrl);
let aliceUser: { id: string; email: string };
let bobUser: { id: string; email: string };

const open: EventSource[] = [];
afterEach(() => {
  for (const es of open.splice(0)) es.close();
});

async function newKey(name: string): Promise<{ id: string; key: string }> {
  const res = await admin.fetch("/api/admin/api-keys", { method: "POST", json: { name } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

beforeAll(async () => {
  admin = await adminClient();
  key = (await newKey("v1 tests")).key;
  aliceUser = await alice.signUpFresh("v1-a");
  bobUser = await bob.signUpFresh("v1-b");
});

/** A server's call: bearer key, no cookies. */
function send(json: unknown, opts: { key?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const k = opts.key === undefined ? key : opts.key;
  return fetch(`${baseUrl}/api/v1/notifications`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(k ? { authorization: `Bearer ${k}` } : {}), ...opts.headers },
    body: typeof json === "string" ? json : JSON.stringify(json),
  });
}

const written = (title: string) => testDb().notification.count({ where: { title } });

describe("POST /api/v1/notifications", () => {
  it("sends by email: 201 {ids}, a `message` in the recipient's inbox, delivered live over SSE", async () => {
    const es = alice.eventSource();
    open.push(es);
    const stream = collect(es);
    const initial = await stream.next();

    const res = await send({ to: [aliceUser.email], title: "  Invoice paid  ", body: "Thanks, **Alice**.", link: "/inbox?from=billing" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const { ids } = (await res.json()) as { ids: string[] };
    expect(ids).toEqual([expect.any(String)]);

    const live = await stream.next((e) => e.notification?.id === ids[0]);
    expect(live.unreadCount).toBe(initial.unreadCount + 1);
    expect(live.notification).toMatchObject({ kind: "message", title: "Invoice paid", body: "Thanks, **Alice**.", link: "/inbox?from=billing" });

    const n = (await list(alice)).items[0];
    expectNotification(n);
    expect(n).toMatchObject({ id: ids[0], kind: "message", title: "Invoice paid", link: "/inbox?from=billing", readAt: null });
    expect(n.createdAt).toMatch(ISO);
  });

  it("sends by user id, and by both: one per distinct user, ids in the order of `to`", async () => {
    const byId = await send({ to: [bobUser.id], title: "by id", body: "b" });
    expect(byId.status).toBe(201);
    const [bobsId] = ((await byId.json()) as { ids: string[] }).ids;
    expect((await list(bob)).items[0]!.id).toBe(bobsId);

    const mixed = await send({
      to: [` ${bobUser.email.toUpperCase()} `, aliceUser.id, bobUser.id, aliceUser.email, bobUser.email],
      title: "mixed recipients",
      body: "b",
    });
    expect(mixed.status).toBe(201);
    const { ids } = (await mixed.json()) as { ids: string[] };
    expect(ids).toHaveLength(2);
    const bobs = (await list(bob)).items.filter((x) => x.title === "mixed recipients");
    const alices = (await list(alice)).items.filter((x) => x.title === "mixed recipients");
    expect(bobs.map((x) => x.id)).toEqual([ids[0]]);
    expect(alices.map((x) => x.id)).toEqual([ids[1]]);
  });

  it("works from any Origin: a server's call carries no cookie to protect", async () => {
    const res = await send({ to: [bobUser.id], title: "from anywhere", body: "b" }, { headers: { origin: EVIL_ORIGIN } });
    expect(res.status).toBe(201);
  });

  it("records when a key was last used", async () => {
    const k = await newKey("last used");
    const before = Date.now();
    expect((await send({ to: [bobUser.id], title: "last used", body: "b" }, { key: k.key })).status).toBe(201);
    const { items } = (await (await admin.fetch("/api/admin/api-keys")).json()) as { items: Array<{ id: string; lastUsedAt: string | null }> };
    const lastUsedAt = items.find((x) => x.id === k.id)!.lastUsedAt;
    expect(lastUsedAt).toMatch(ISO);
    expect(Date.parse(lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("answers unknown recipients with 422 naming them in fields.to, and writes nothing", async () => {
    const res = await send({ to: [aliceUser.email, "Ghost@Nowhere.example", "cmnosuchuser000000000000", aliceUser.id], title: "to ghosts", body: "b" });
    const body = await expectError(res, 422, "validation_failed", { fields: ["to"] });
    expect(body.error.fields!.to).toContain("ghost@nowhere.example");
    expect(body.error.fields!.to).toContain("cmnosuchuser000000000000");
    expect(body.error.fields!.to).not.toContain(aliceUser.email);
    expect(body.error.fields!.to).not.toContain(aliceUser.id);
    expect(await written("to ghosts")).toBe(0);
  });

  it("refuses a revoked key with 401 at once", async () => {
    const k = await newKey("soon revoked");
    expect((await send({ to: [bobUser.id], title: "before revoke", body: "b" }, { key: k.key })).status).toBe(201);
    expect((await admin.fetch(`/api/admin/api-keys/${k.id}`, { method: "DELETE" })).status).toBe(204);
    const res = await send({ to: [bobUser.id], title: "after revoke", body: "b" }, { key: k.key });
    await expectError(res, 401, "unauthenticated");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b.*invalid_token/);
    expect(await written("after revoke")).toBe(0);
  });

  it.each<[string, Record<string, string>]>([
    ["no Authorization header", {}],
    ["an empty one", { authorization: "" }],
    ["another scheme", { authorization: "Basic YWRtaW46ZGVtbzEyMzQ=" }],
    ["a bare Bearer", { authorization: "Bearer" }],
    ["garbage", { authorization: "Bearer %%%not-a-key%%%" }],
    ["a well-formed key nobody issued", { authorization: `Bearer nk_${"A".repeat(43)}` }],
    ["two tokens", { authorization: `Bearer nk_${"A".repeat(43)} nk_${"B".repeat(43)}` }],
  ])("refuses %s with 401 and WWW-Authenticate: Bearer", async (_, headers) => {
    const res = await send({ to: [bobUser.id], title: "unauthenticated", body: "b" }, { key: null, headers });
    await expectError(res, 401, "unauthenticated");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
    expect(await written("unauthenticated")).toBe(0);
  });

  it("ignores an admin's session cookie: only a key authenticates", async () => {
    const res = await admin.fetch("/api/v1/notifications", { method: "POST", json: { to: [bobUser.id], title: "cookie only", body: "b" } });
    await expectError(res, 401, "unauthenticated");
    expect(await written("cookie only")).toBe(0);
  });

  it.each<[string, unknown, string[]]>([
    ["no to", { title: "t", body: "b" }, ["to"]],
    ["an empty to", { to: [], title: "t", body: "b" }, ["to"]],
    ["1001 recipients", { to: Array.from({ length: 1001 }, (_, i) => `u${i}@many.example`), title: "t", body: "b" }, ["to"]],
    ["a recipient that is neither email nor id", { to: ["not an email"], title: "t", body: "b" }, ["to.0"]],
    ["an empty title", { to: ["x@y.example"], title: "  ", body: "b" }, ["title"]],
    ["a long title", { to: ["x@y.example"], title: "t".repeat(201), body: "b" }, ["title"]],
    ["an empty body", { to: ["x@y.example"], title: "t", body: "" }, ["body"]],
    ["a long body", { to: ["x@y.example"], title: "t", body: "b".repeat(10_001) }, ["body"]],
    ["a javascript: link", { to: ["x@y.example"], title: "t", body: "b", link: "javascript:alert(1)" }, ["link"]],
    ["wrong types", { to: "x@y.example", title: 1, body: ["b"], link: 5 }, ["to", "title", "body", "link"]],
  ])("answers %s with 422 naming the fields", async (_, json, fields) => {
    await expectError(await send(json), 422, "validation_failed", { fields });
  });

  it("answers malformed JSON with 400 and an oversized body with 413", async () => {
    for (const body of ["{", "", "to=a@b.example&title=t", "{'to': []}"]) await expectError(await send(body), 400, "invalid_json");
    await expectError(await send({ to: [bobUser.id], title: "big", body: "b".repeat(600 * 1024) }), 413, "payload_too_large");
  });

  it("never answers a nasty body with a 5xx", async () => {
    const bodies = [
      "null",
      "[]",
      "0",
      `{"to":["${bobUser.id}"],"title":"t","body":"b","__proto__":{"to":["x"]}}`,
      JSON.stringify({ to: Array(5).fill(null), title: "t", body: "b" }),
      JSON.stringify({ to: [{ email: bobUser.email }], title: "t", body: "b" }),
      JSON.stringify({ to: ["a".repeat(300)], title: "t", body: "b" }),
      JSON.stringify({ to: ["%00", "'; DROP TABLE User; --"], title: "t", body: "b" }),
      JSON.stringify({ to: [bobUser.id], title: "\u0000", body: "\ud800", link: "http://[::1" }),
      "{" + '"to":' + "[".repeat(3000) + "]".repeat(3000) + "}",
    ];
    for (const body of bodies) {
      const res = await send(body);
      const text = await res.text();
      expect(res.status, `${body.slice(0, 60)} → ${res.status} ${text}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
    }
  });
});
