import { afterEach, describe, expect, inject, it } from "vitest";
import type { EventSource } from "eventsource";
import { collect, sendMessage, TestClient } from "@/test/client";

const baseUrl = inject("baseUrl");
const open: EventSource[] = [];
afterEach(() => {
  for (const es of open.splice(0)) es.close();
});

async function adminClient(): Promise<TestClient> {
  const admin = new TestClient(baseUrl);
  expect(await admin.signIn("admin@example.com")).toBe(true);
  return admin;
}

describe("GET /api/realtime/sse", () => {
  it("refuses an anonymous client with 401 in the contract's shape", async () => {
    const res = await fetch(`${baseUrl}/api/realtime/sse`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
  });

  it("answers a malformed cursor with 400", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("sse-bad");
    const res = await user.fetch("/api/realtime/sse?cursor=abc");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });

  it("sends the anti-buffering headers and the current state at once", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("sse-headers");
    const ctrl = new AbortController();
    const res = await user.fetch("/api/realtime/sse", { signal: ctrl.signal });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: unread")) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(text).toMatch(/retry: \d+/);
    expect(text).toMatch(/id: \d+\nevent: unread\ndata: \{"unreadCount":0,"cursor":"\d+"\}/);
  });

  it("delivers a message live with its notification and the new count", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("sse-live");
    const es = user.eventSource();
    open.push(es);
    const stream = collect(es);
    const first = await stream.next();
    expect(first).toEqual({ unreadCount: 0, cursor: expect.any(String) });

    expect((await sendMessage(admin, [me.email], "Live one")).status).toBe(201);
    const live = await stream.next((e) => e.notification?.title === "Live one");
    expect(live.unreadCount).toBe(1);
    expect(Number(live.cursor)).toBeGreaterThan(Number(first.cursor));
    expect(live.notification).toMatchObject({ kind: "announcement", readAt: null, link: null, body: "body" });
  });

  it("resumes from Last-Event-ID / ?cursor= with every missed notification exactly once, in order", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("sse-resume");
    const es = user.eventSource();
    const first = await collect(es).next();
    es.close();

    for (let i = 1; i <= 5; i++) expect((await sendMessage(admin, [me.email], `missed ${i}`)).status).toBe(201);

    const resumed = user.eventSource(`/api/realtime/sse?cursor=${first.cursor}`);
    open.push(resumed);
    const stream = collect(resumed);
    await stream.next((e) => !e.notification && e.unreadCount === 5);
    const titles = stream.events.filter((e) => e.notification).map((e) => e.notification!.title);
    expect(titles).toEqual(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5"]);
    const cursors = stream.events.map((e) => Number(e.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
  });

  it("tells every open stream of the user when one of them reads", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("sse-tabs");
    await sendMessage(admin, [me.email], "to read");
    const a = collect(user.eventSource());
    const b = collect(user.eventSource());
    const initial = await a.next((e) => e.unreadCount === 1);
    await b.next((e) => e.unreadCount === 1);
    expect(initial.unreadCount).toBe(1);
    const list = (await (await user.fetch("/api/notifications")).json()) as { items: Array<{ id: string }> };
    const res = await user.fetch(`/api/notifications/${list.items[0]!.id}`, { method: "PATCH", json: { read: true } });
    expect(res.status).toBe(200);
    await a.next((e) => e.unreadCount === 0);
    await b.next((e) => e.unreadCount === 0);
  });
});
