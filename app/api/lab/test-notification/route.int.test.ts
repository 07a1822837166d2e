import { afterEach, describe, expect, it } from "vitest";
import type { EventSource } from "eventsource";
import { baseUrl, EVIL_ORIGIN, expectError, expectNotification, ISO, list } from "@/test/api";
import { collect, TestClient } from "@/test/client";

const open: EventSource[] = [];
afterEach(() => {
  for (const es of open.splice(0)) es.close();
});

const send = (client: TestClient, init: RequestInit = {}) => client.fetch("/api/lab/test-notification", { method: "POST", ...init });

describe("POST /api/lab/test-notification", () => {
  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/lab/test-notification`, { method: "POST" }), 401, "unauthenticated");
  });

  it("refuses a cross-site request with 403 and sends nothing", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-xsite");
    await expectError(await send(user, { headers: { origin: EVIL_ORIGIN } }), 403, "forbidden");
    await expectError(await send(user, { headers: { "sec-fetch-site": "cross-site" } }), 403, "forbidden");
    expect((await list(user)).items).toEqual([]);
  });

  it("sends a numbered message to the caller only, and answers 201 {id, sentAt}", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-send");
    const bystander = new TestClient(baseUrl);
    await bystander.signUpFresh("lab-bystander");

    const res = await send(user);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; sentAt: string };
    expect(body).toEqual({ id: expect.any(String), sentAt: expect.stringMatching(ISO) });

    const mine = await list(user);
    expect(mine.unreadCount).toBe(1);
    expect(mine.items).toHaveLength(1);
    const n = mine.items[0]!;
    expectNotification(n);
    expect(n).toMatchObject({ id: body.id, kind: "message", title: "Lab test #1", link: "/lab", readAt: null, createdAt: body.sentAt });
    expect(n.body).toMatch(/lab/i);

    const second = (await (await send(user)).json()) as { id: string };
    expect((await list(user)).items.map((i) => [i.id, i.title])).toEqual([
      [second.id, "Lab test #2"],
      [body.id, "Lab test #1"],
    ]);
    expect((await list(bystander)).items).toEqual([]);
  });

  it("arrives live on the caller's SSE stream, with its id", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-sse");
    const es = user.eventSource();
    open.push(es);
    const stream = collect(es);
    expect(await stream.next()).toEqual({ unreadCount: 0, cursor: expect.any(String) });

    const { id } = (await (await send(user)).json()) as { id: string };
    const live = await stream.next((e) => e.notification?.id === id);
    expect(live.unreadCount).toBe(1);
    expect(live.notification).toMatchObject({ id, title: "Lab test #1", link: "/lab" });
  });

  it("writes the title in the caller's language", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-zh");
    const res = await fetch(`${baseUrl}/api/lab/test-notification`, { method: "POST", headers: { cookie: `${user.cookieHeader()}; locale=zh-CN` } });
    expect(res.status).toBe(201);
    expect((await list(user)).items[0]!.title).toBe("实验室测试 #1");
  });

  it("limits each user to 30 a minute with 429 and Retry-After", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-limit");
    for (let i = 0; i < 30; i++) expect((await send(user)).status, `send ${i + 1}`).toBe(201);
    const res = await send(user);
    const retryAfter = Number(res.headers.get("retry-after"));
    await expectError(res, 429, "rate_limited");
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await list(user, "?limit=100")).items).toHaveLength(30);

    // Another user is not affected.
    const other = new TestClient(baseUrl);
    await other.signUpFresh("lab-limit-other");
    expect((await send(other)).status).toBe(201);
  });

  it("never answers odd input with a 5xx", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("lab-odd");
    for (const body of ["{", "null", '{"to":"someone@else"}', "x".repeat(70 * 1024)]) {
      const res = await send(user, { body, headers: { "content-type": "application/json" } });
      expect(res.status, body.slice(0, 20)).toBeLessThan(500);
      await res.arrayBuffer();
    }
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const res = await user.fetch("/api/lab/test-notification", { method });
      expect(res.status, method).toBeLessThan(500);
      await res.arrayBuffer();
    }
  });
});
