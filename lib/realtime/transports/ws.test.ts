// The WebSocket adapter on a bare Node server with a real hub and raw sockets: dead peers are
// dropped by the ping timer. (Everything else is covered end to end in ws.int.test.ts.)
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MemoryBus } from "../bus/memory";
import { createHub, type Hub, type InboxSource } from "../hub";

const SECRET = "unit-test-secret-unit-test-secret";
const source: InboxSource = {
  countUnread: async () => 0,
  rowsAfter: async () => [],
  latestSeq: async () => 0,
  maxSeq: async () => 0,
};

let server: http.Server;
let port = 0;
let hub: Hub;
let endpoint: { close(): void; clientCount(): number };
let cookie = "";

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", SECRET);
  const { encode } = await import("next-auth/jwt");
  const { createWsEndpoint } = await import("./ws");
  hub = createHub(source, new MemoryBus());
  const ep = createWsEndpoint({ hub: () => hub, pingMs: 100 });
  endpoint = ep;
  server = http.createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => void ep.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.address() as net.AddressInfo).port;
  const token = await encode({ token: { uid: "u1", email: "u1@x.example", name: "U", role: "user" }, secret: SECRET });
  cookie = `next-auth.session-token=${token}`;
});

afterAll(async () => {
  endpoint.close();
  hub.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  vi.unstubAllEnvs();
});

/** A raw client that completes the handshake and then never answers a ping. */
async function deadPeer(): Promise<net.Socket> {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
  let head = "";
  const upgraded = new Promise<void>((resolve) => {
    sock.on("data", (c: Buffer) => {
      head += c.toString("latin1");
      if (head.includes("\r\n\r\n")) resolve();
    });
  });
  sock.write(
    [
      "GET /api/realtime/ws HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Version: 13",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      `Origin: http://127.0.0.1:${port}`,
      `Cookie: ${cookie}`,
      "",
      "",
    ].join("\r\n"),
  );
  await upgraded;
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return sock;
}

describe("WebSocket pings", () => {
  it("drops a peer that does not answer a ping, and releases its hub connection", async () => {
    const sock = await deadPeer();
    await vi.waitFor(() => expect(hub.connectionCount("ws")).toBe(1));
    const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
    // Two ping periods: one ping unanswered, then the next tick terminates it.
    await closed;
    await vi.waitFor(() => expect(hub.connectionCount("ws")).toBe(0));
    expect(endpoint.clientCount()).toBe(0);
  });
});
