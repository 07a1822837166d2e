// Its own server, so the connection gauge is not disturbed by other test files' streams.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { collect, collectWs, sendMessage, TestClient } from "@/test/client";
import { startServer, type TestServer } from "@/test/server-harness";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { METRICS_TOKEN: "metrics-token-0123456789" } });
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function scrape(): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return res.text();
}

function gauge(text: string, transport: string): number {
  const m = new RegExp(`^notif_live_connections\\{transport="${transport}"\\} (\\d+)$`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

describe("GET /api/metrics", () => {
  it("is for admins or the metrics token only", async () => {
    expect((await fetch(`${server.baseUrl}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const alice = new TestClient(server.baseUrl);
    await alice.signIn("alice@example.com");
    expect((await alice.fetch("/api/metrics")).status).toBe(403);
    const admin = new TestClient(server.baseUrl);
    await admin.signIn("admin@example.com");
    const res = await admin.fetch("/api/metrics");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("notif_events_delivered_total");
  });

  it("counts open streams, releases them on disconnect, and records delivery latency", async () => {
    const user = new TestClient(server.baseUrl);
    const me = await user.signUpFresh("metrics");
    const before = gauge(await scrape(), "sse");
    const streams = [user.eventSource(), user.eventSource(), user.eventSource()];
    const collected = streams.map(collect);
    await Promise.all(collected.map((c) => c.next()));
    expect(gauge(await scrape(), "sse")).toBe(before + 3);

    const admin = new TestClient(server.baseUrl);
    await admin.signIn("admin@example.com");
    await sendMessage(admin, [me.email], "measured");
    await Promise.all(collected.map((c) => c.next((e) => e.notification?.title === "measured")));
    const text = await scrape();
    expect(text).toMatch(/^notif_delivery_latency_seconds_count\{transport="sse"\} [1-9]\d*$/m);
    expect(text).toMatch(/^notif_events_delivered_total\{transport="sse"\} [1-9]\d*$/m);

    for (const es of streams) es.close();
    await expect.poll(async () => gauge(await scrape(), "sse"), { timeout: 5000 }).toBe(before);
  });

  it("counts WebSockets and held long-polls by transport, and releases both on disconnect", async () => {
    const user = new TestClient(server.baseUrl);
    await user.signUpFresh("metrics-ws");
    const start = await scrape();
    const ws0 = gauge(start, "ws");
    const poll0 = gauge(start, "poll");

    const ws = user.webSocket();
    await collectWs(ws).next();
    expect(gauge(await scrape(), "ws")).toBe(ws0 + 1);

    const state = (await (await user.fetch("/api/realtime/poll")).json()) as { cursor: string };
    const ctrl = new AbortController();
    const held = user.fetch(`/api/realtime/poll?cursor=${state.cursor}&timeout=30`, { signal: ctrl.signal }).catch((e: unknown) => e);
    await expect.poll(async () => gauge(await scrape(), "poll"), { timeout: 5000 }).toBe(poll0 + 1);

    ctrl.abort();
    expect(await held).toBeInstanceOf(Error);
    ws.close();
    await expect.poll(async () => gauge(await scrape(), "poll"), { timeout: 5000 }).toBe(poll0);
    await expect.poll(async () => gauge(await scrape(), "ws"), { timeout: 5000 }).toBe(ws0);
  });

  it("counts HTTP requests by route template and status, WebSocket handshakes included", async () => {
    const user = new TestClient(server.baseUrl);
    await user.signUpFresh("metrics-http");
    expect((await user.fetch("/api/notifications")).status).toBe(200);
    expect((await user.fetch("/api/notifications/no-such-id", { method: "PATCH", json: { read: true } })).status).toBe(404);
    const ws = new WebSocket(`${server.baseUrl.replace(/^http/, "ws")}/api/realtime/ws`, { headers: { origin: server.baseUrl } });
    await new Promise<void>((resolve) => {
      ws.on("unexpected-response", () => resolve());
      ws.on("error", () => resolve());
    });
    const count = (text: string, labels: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`notif_http_requests_total{${labels}}`));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    await expect.poll(async () => count(await scrape(), 'route="/api/notifications",method="GET",status="200"')).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    expect(count(text, 'route="/api/notifications/[id]",method="PATCH",status="404"')).toBeGreaterThanOrEqual(1);
    expect(count(text, 'route="/api/realtime/ws",method="GET",status="401"')).toBeGreaterThanOrEqual(1);
    // The raw id never becomes a label value.
    expect(text).not.toContain("no-such-id");
    expect(text).toMatch(/^notif_http_request_duration_seconds_count\{route="\/api\/notifications"\} [1-9]\d*$/m);
  });
});
