// Its own server, so the figures count only this file's connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { collect, collectWs, TestClient } from "@/test/client";
import { startServer, type TestServer } from "@/test/server-harness";

type Stats = { connections: { sse: number; ws: number; poll: number }; total: number };

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startServer();
  admin = new TestClient(server.baseUrl);
  expect(await admin.signIn("admin@example.com")).toBe(true);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function stats(): Promise<Stats> {
  const res = await admin.fetch("/api/admin/stats");
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("cache-control")).toMatch(/no-store/);
  return JSON.parse(text) as Stats;
}

async function gauges(): Promise<Record<string, number>> {
  const text = await (await admin.fetch("/api/metrics")).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^notif_live_connections\{transport="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe("GET /api/admin/stats", () => {
  it("refuses an anonymous client with 401 and a user with 403", async () => {
    const anon = await fetch(`${server.baseUrl}/api/admin/stats`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const alice = new TestClient(server.baseUrl);
    await alice.signIn("alice@example.com");
    const res = await alice.fetch("/api/admin/stats");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });

  it("counts open connections by transport, as the metrics gauge does", async () => {
    expect(await stats()).toEqual({ connections: { sse: 0, ws: 0, poll: 0 }, total: 0 });

    const user = new TestClient(server.baseUrl);
    await user.signUpFresh("stats");
    const es = user.eventSource();
    await collect(es).next();
    const ws = user.webSocket();
    await collectWs(ws).next();
    // A long-poll held open: it is behind nothing, so the server keeps it.
    const state = (await (await user.fetch("/api/realtime/poll")).json()) as { cursor: string };
    const abort = new AbortController();
    const held = user.fetch(`/api/realtime/poll?cursor=${state.cursor}&timeout=20`, { signal: abort.signal }).catch(() => null);

    await expect.poll(stats, { timeout: 5000 }).toEqual({ connections: { sse: 1, ws: 1, poll: 1 }, total: 3 });
    expect(await gauges()).toEqual({ sse: 1, ws: 1, poll: 1 });

    es.close();
    ws.close();
    abort.abort();
    await held;
    await expect.poll(stats, { timeout: 5000 }).toEqual({ connections: { sse: 0, ws: 0, poll: 0 }, total: 0 });
  });
});
