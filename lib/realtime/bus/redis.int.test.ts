// One real server with REDIS_URL: health names the bus, an event another instance publishes on Redis
// reaches an SSE client, and while Redis is unreachable live transports are ended and refused (the
// client polls the database) until it is back, when the stream resumes from its cursor.
// The full two-instance test lives elsewhere.
import type { EventSource } from "eventsource";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { createPrismaClient } from "@/lib/db/create";
import { collect, collectWs, TestClient } from "@/test/client";
import { startServer, type TestServer } from "@/test/server-harness";
import { describeWithServices, REDIS_TEST_URL } from "@/test/services";
import { startTcpProxy, type TcpProxy } from "@/test/tcp-proxy";

await describeWithServices(["redis"], "REDIS_URL: the bus between instances", () => {
  let proxy: TcpProxy;
  let server: TestServer;
  let db: PrismaClient;
  let redis: Redis;
  const streams: EventSource[] = [];
  // This server's channel: what "another instance" publishes on.
  const channel = `notif:test:bus:${process.pid}:${Date.now()}`;

  beforeAll(async () => {
    const target = new URL(REDIS_TEST_URL);
    // Through a proxy, so the test can take Redis away from this server alone.
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    server = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_CHANNEL: channel } });
    db = createPrismaClient(server.databaseUrl, { poolSize: 2 });
    redis = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    for (const es of streams) es.close();
    await db?.$disconnect();
    await redis?.quit();
    await server?.stop();
    await proxy?.close();
  });

  const health = async () => {
    const res = await fetch(`${server.baseUrl}/api/health`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it("reports the bus, delivers what another instance publishes, and sends live clients to polling while Redis is away", async () => {
    await expect.poll(health, { timeout: 5000 }).toEqual({ status: 200, body: { ok: true, db: "ok", bus: "ok" } });

    const user = new TestClient(server.baseUrl);
    const me = await user.signUpFresh("redis-bus");
    const es = user.eventSource();
    streams.push(es);
    const sse = collect(es);
    const first = await sse.next();

    // Another instance wrote a row and published on Redis: this server's hub hears it.
    const row = await db.notification.create({ data: { userId: me.id, kind: "message", title: "from elsewhere", body: "b" } });
    await redis.publish(channel, JSON.stringify({ from: "another-instance", event: { type: "inbox", userIds: [me.id] } }));
    const live = await sse.next((e) => e.notification?.id === row.id);
    expect(live).toMatchObject({ unreadCount: 1, cursor: String(row.seq) });

    const ws = user.webSocket(`/api/realtime/ws?cursor=${live.cursor}`);
    await collectWs(ws).next();
    const wsClosed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    const sseEnded = new Promise<void>((resolve) => es.addEventListener("error", () => resolve(), { once: true }));

    proxy.cut();
    // Every live connection is told to reconnect...
    expect(await wsClosed).toBe(1012);
    await sseEnded;
    await expect.poll(health).toEqual({ status: 503, body: { ok: false, db: "ok", bus: "down" } });
    // ...and new ones are refused so the browser falls back to short polling, which still works.
    for (const path of ["/api/realtime/sse", `/api/realtime/poll?cursor=${live.cursor}`]) {
      const res = await user.fetch(path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after"), path).toBe("5");
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe("unavailable");
    }
    const refusedWs = user.webSocket();
    refusedWs.on("error", () => undefined);
    const wsRefusal = await new Promise<{ status: number; retryAfter: unknown }>((resolve, reject) => {
      refusedWs.on("open", () => reject(new Error("the upgrade was accepted")));
      refusedWs.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
    });
    expect(wsRefusal).toEqual({ status: 503, retryAfter: "5" });
    const missed = await db.notification.create({ data: { userId: me.id, kind: "message", title: "while away", body: "b" } });
    const count = await user.fetch("/api/notifications/unread-count");
    expect(await count.json()).toMatchObject({ unreadCount: 2 });

    proxy.restore();
    await expect.poll(health, { timeout: 10_000 }).toEqual({ status: 200, body: { ok: true, db: "ok", bus: "ok" } });
    const resumed = user.eventSource(`/api/realtime/sse?cursor=${live.cursor}`);
    streams.push(resumed);
    const again = await collect(resumed).next((e) => e.notification?.id === missed.id);
    expect(again).toMatchObject({ unreadCount: 2, cursor: String(missed.seq) });
    expect(Number(first.cursor)).toBeLessThan(Number(again.cursor));

    // Shutdown still drains and exits 0 with the bus open (it closes after the last request).
    for (const s of streams) s.close();
    expect(await server.stop()).toBe(0);
  });
});
