import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, EVIL_ORIGIN, expectError, expectNotification, ISO, list } from "@/test/api";
import { TestClient } from "@/test/client";

let admin: TestClient;
const alice = new TestClient(baseUrl); // a fresh "user", despite the name
const bob = new TestClient(baseUrl);
let aliceEmail: string;
let bobEmail: string;

beforeAll(async () => {
  admin = await adminClient();
  aliceEmail = (await alice.signUpFresh("ann-a")).email;
  bobEmail = (await bob.signUpFresh("ann-b")).email;
});

type Created = { id: string; audience: { type: string; emails?: string[] }; publishAt: string; recipientCount: number };

const post = (client: TestClient | null, json: unknown, headers: Record<string, string> = {}) =>
  client
    ? client.fetch("/api/admin/announcements", { method: "POST", json, headers })
    : fetch(`${baseUrl}/api/admin/announcements`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(json),
      });

const titles = async (client: TestClient) => (await list(client, "?limit=100")).items.map((n) => n.title);

describe("POST /api/admin/announcements", () => {
  it("sends to listed users: 201 {id, audience, publishAt, recipientCount}, delivered at once", async () => {
    const before = Date.now();
    const res = await post(admin, {
      title: "  Maintenance tonight  ",
      body: "We **restart** at 22:00.\n\n- [status](https://status.example)",
      link: "https://status.example/incidents/1",
      audience: { type: "users", emails: [aliceEmail.toUpperCase(), ` ${bobEmail} `, aliceEmail] },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const created = (await res.json()) as Created;
    expect(created).toEqual({
      id: expect.any(String),
      audience: { type: "users", emails: [aliceEmail, bobEmail] },
      publishAt: expect.stringMatching(ISO),
      recipientCount: 2,
    });
    expect(Date.parse(created.publishAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(created.publishAt)).toBeLessThanOrEqual(Date.now() + 1000);

    for (const client of [alice, bob]) {
      const body = await list(client);
      const n = body.items.find((x) => x.title === "Maintenance tonight");
      expectNotification(n);
      expect(n).toMatchObject({
        kind: "announcement",
        body: "We **restart** at 22:00.\n\n- [status](https://status.example)",
        link: "https://status.example/incidents/1",
        readAt: null,
      });
      expect(body.items[0]!.id).toBe(n.id);
      expect((await list(client, "?filter=announcements")).items[0]!.id).toBe(n.id);
    }
    // the sender is not a recipient
    expect(await titles(admin)).not.toContain("Maintenance tonight");
  });

  it("accepts a path as the link and a past publishAt as now", async () => {
    const res = await post(admin, {
      title: "past-dated",
      body: "b",
      link: "/inbox?x=1",
      audience: { type: "users", emails: [aliceEmail] },
      publishAt: "2020-01-01T00:00:00Z",
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(Date.parse(created.publishAt)).toBeGreaterThan(Date.parse("2025-01-01T00:00:00Z"));
    expect((await list(alice)).items.find((n) => n.title === "past-dated")).toMatchObject({ link: "/inbox?x=1" });
  });

  it("answers unknown emails with 422 naming them, and delivers nothing", async () => {
    const res = await post(admin, {
      title: "to ghosts",
      body: "b",
      audience: { type: "users", emails: [aliceEmail, "Ghost-One@nowhere.example", "ghost-two@nowhere.example"] },
    });
    const body = await expectError(res, 422, "validation_failed", { fields: ["audience.emails"] });
    const named = `${body.error.message} ${body.error.fields!["audience.emails"]}`;
    expect(named).toContain("ghost-one@nowhere.example");
    expect(named).toContain("ghost-two@nowhere.example");
    expect(body.error.fields!["audience.emails"]).not.toContain(aliceEmail);
    expect(await titles(alice)).not.toContain("to ghosts");
  });

  it("publishes a scheduled announcement at publishAt, not before", async () => {
    const publishAt = new Date(Date.now() + 2000);
    const res = await post(admin, {
      title: "scheduled one",
      body: "later",
      audience: { type: "users", emails: [bobEmail] },
      publishAt: publishAt.toISOString(),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created).toEqual({
      id: expect.any(String),
      audience: { type: "users", emails: [bobEmail] },
      publishAt: publishAt.toISOString(),
      recipientCount: 1,
    });
    expect(await titles(bob)).not.toContain("scheduled one");

    let seenAt = 0;
    for (const deadline = Date.now() + 6000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      if ((await titles(bob)).includes("scheduled one")) {
        seenAt = Date.now();
        break;
      }
    }
    expect(seenAt, "the scheduled announcement arrived").toBeGreaterThan(0);
    expect(seenAt).toBeGreaterThanOrEqual(publishAt.getTime() - 50);
    const n = (await list(bob)).items.find((x) => x.title === "scheduled one")!;
    expect(n).toMatchObject({ kind: "announcement", body: "later", readAt: null });
    // delivered exactly once
    expect((await titles(bob)).filter((t) => t === "scheduled one")).toHaveLength(1);
  });

  it("keeps an announcement scheduled with an offset until its time", async () => {
    const res = await post(admin, {
      title: "far future",
      body: "b",
      audience: { type: "users", emails: [bobEmail] },
      publishAt: "2099-06-01T12:00:00+02:00",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Created).publishAt).toBe("2099-06-01T10:00:00.000Z");
    expect(await titles(bob)).not.toContain("far future");
  });

  it("refuses a user with 403 and an anonymous client with 401, delivering nothing", async () => {
    const json = { title: "not from admin", body: "b", audience: { type: "users", emails: [bobEmail] } };
    await expectError(await post(alice, json), 403, "forbidden");
    await expectError(await post(null, json), 401, "unauthenticated");
    expect(await titles(bob)).not.toContain("not from admin");
  });

  it("refuses a cross-site request with 403, delivering nothing", async () => {
    const json = { title: "cross-site announcement", body: "b", audience: { type: "users", emails: [bobEmail] } };
    await expectError(await post(admin, json, { origin: EVIL_ORIGIN }), 403, "forbidden");
    await expectError(await post(admin, json, { "sec-fetch-site": "cross-site" }), 403, "forbidden");
    expect(await titles(bob)).not.toContain("cross-site announcement");
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    for (const body of ["{", "", "{'title': 'x'}"]) {
      const res = await admin.fetch("/api/admin/announcements", { method: "POST", headers: { "content-type": "application/json" }, body });
      await expectError(res, 400, "invalid_json");
    }
  });

  it.each<[string, unknown, string[]]>([
    ["empty title and body", { title: " ", body: "", audience: { type: "users", emails: ["x@y.example"] } }, ["title", "body"]],
    ["too long title", { title: "t".repeat(201), body: "b", audience: { type: "users", emails: ["x@y.example"] } }, ["title"]],
    ["too long body", { title: "t", body: "b".repeat(10_001), audience: { type: "users", emails: ["x@y.example"] } }, ["body"]],
    ["javascript: link", { title: "t", body: "b", link: "javascript:alert(1)", audience: { type: "users", emails: ["x@y.example"] } }, ["link"]],
    ["protocol-relative link", { title: "t", body: "b", link: "//evil.example/x", audience: { type: "users", emails: ["x@y.example"] } }, ["link"]],
    ["unknown audience type", { title: "t", body: "b", audience: { type: "everyone" } }, ["audience.type"]],
    ["no audience", { title: "t", body: "b" }, ["audience"]],
    ["no emails", { title: "t", body: "b", audience: { type: "users", emails: [] } }, ["audience.emails"]],
    ["a bad email", { title: "t", body: "b", audience: { type: "users", emails: ["not an email"] } }, ["audience.emails.0"]],
    ["wrong types", { title: 1, body: ["b"], link: 5, audience: "all", publishAt: 12 }, ["title", "body", "link", "audience", "publishAt"]],
    ["a bad publishAt", { title: "t", body: "b", audience: { type: "users", emails: ["x@y.example"] }, publishAt: "tomorrow" }, ["publishAt"]],
    ["an impossible date", { title: "t", body: "b", audience: { type: "users", emails: ["x@y.example"] }, publishAt: "2030-02-30T00:00:00Z" }, ["publishAt"]],
  ])("answers %s with 422 validation_failed naming the fields", async (_, json, fields) => {
    await expectError(await post(admin, json), 422, "validation_failed", { fields });
  });

  it("answers more than 1000 emails with 422", async () => {
    const emails = Array.from({ length: 1001 }, (_, i) => `u${i}@many.example`);
    await expectError(await post(admin, { title: "t", body: "b", audience: { type: "users", emails } }), 422, "validation_failed", {
      fields: ["audience.emails"],
    });
  });

  it("refuses a body over its cap with 413", async () => {
    const res = await admin.fetch("/api/admin/announcements", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "t", body: "b".repeat(600 * 1024), audience: { type: "users", emails: [bobEmail] } }),
    });
    await expectError(res, 413, "payload_too_large");
  });

  it("never answers a nasty body with a 5xx", async () => {
    const bodies = [
      "null",
      "[]",
      "0",
      `{"title":"t","body":"b","audience":{"type":"users","emails":["${bobEmail}"],"__proto__":{"type":"all"}},"__proto__":{"isAdmin":true}}`,
      JSON.stringify({ title: "t", body: "b", audience: { type: "users", emails: Array(5).fill(null) } }),
      JSON.stringify({ title: "t", body: "b", audience: { type: "role", role: "root" } }),
      // Never a real broadcast here: every test file shares this server (broadcast.int.test.ts has its own).
      JSON.stringify({ title: "", body: "b", audience: { type: "all" } }),
      JSON.stringify({ title: "t", body: "", audience: { type: "role", role: "user" } }),
      JSON.stringify({ title: "t", body: "b", audience: { type: "users", emails: [bobEmail] }, publishAt: "+275760-09-13T00:00:00Z" }),
      JSON.stringify({ title: "t", body: "b", audience: { type: "users", emails: [bobEmail] }, publishAt: "0000-01-01T00:00:00Z" }),
      JSON.stringify({ title: "\u0000", body: "\ud800", link: "http://[::1", audience: { type: "users", emails: [`${"a".repeat(250)}@x.example`] } }),
      "{" + '"a":'.repeat(1) + "[".repeat(3000) + "]".repeat(3000) + "}",
    ];
    for (const body of bodies) {
      const res = await admin.fetch("/api/admin/announcements", { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await res.text();
      expect(res.status, `${body.slice(0, 60)} → ${res.status} ${text}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
    }
  });
});
