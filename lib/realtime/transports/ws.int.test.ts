// The WebSocket transport against the real server: a real `ws` client on real cookies.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { adminClient, baseUrl, EVIL_ORIGIN, testDb } from "@/test/api";
import { collectWs, sendMessage, TestClient } from "@/test/client";

const open: WebSocket[] = [];
afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});

function track(ws: WebSocket): WebSocket {
  open.push(ws);
  return ws;
}

/** The HTTP answer to a refused upgrade. */
function refusal(ws: WebSocket): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    ws.on("open", () => reject(new Error("the upgrade was accepted")));
    ws.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error: { code: string; message: string } } }));
    });
    ws.on("error", () => undefined);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on("close", (code) => resolve(code)));
}

describe("WebSocket /api/realtime/ws", () => {
  it("refuses an upgrade without a session with 401 in the contract's shape", async () => {
    const ws = track(new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/realtime/ws`, { headers: { origin: baseUrl } }));
    const { status, body } = await refusal(ws);
    expect(status).toBe(401);
    expect(body.error.code).toBe("unauthenticated");
  });

  it("refuses a foreign Origin with 403 even with a valid session", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("ws-origin");
    const { status, body } = await refusal(track(user.webSocket(undefined, { origin: EVIL_ORIGIN })));
    expect(status).toBe(403);
    expect(body.error.code).toBe("forbidden");
  });

  it("refuses a handshake without an Origin header (browsers always send one)", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("ws-no-origin");
    const url = `${baseUrl.replace(/^http/, "ws")}/api/realtime/ws`;
    const { status, body } = await refusal(track(new WebSocket(url, { headers: { cookie: user.cookieHeader() } })));
    expect(status).toBe(403);
    expect(body.error.code).toBe("forbidden");
  });

  it("refuses an upgrade on any other path with 404 and closes the socket", async () => {
    const url = new URL(baseUrl);
    const sock = net.connect(Number(url.port), url.hostname);
    let text = "";
    sock.on("data", (c: Buffer) => (text += c.toString()));
    const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
    sock.write(`GET /api/notifications HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 404 /);
  });

  it("caps live connections per user (429), whatever the transport", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("ws-cap");
    const sockets = Array.from({ length: 32 }, () => track(user.webSocket()));
    await Promise.all(sockets.map((ws) => collectWs(ws).next()));
    const { status, body } = await refusal(track(user.webSocket()));
    expect(status).toBe(429);
    expect(body.error.code).toBe("rate_limited");
    const sse = await user.fetch("/api/realtime/sse");
    expect(sse.status).toBe(429);
    expect(sse.headers.get("retry-after")).toBe("5");
    expect((await user.fetch("/api/realtime/poll")).status).toBe(429);
    // One closes: there is room again.
    const closing = sockets[0]!;
    closing.close();
    await closed(closing);
    const attempt = () =>
      new Promise<string>((resolve) => {
        const ws = track(user.webSocket());
        ws.on("open", () => resolve("open"));
        ws.on("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
        ws.on("error", () => resolve("error"));
      });
    await expect.poll(attempt, { timeout: 5000 }).toBe("open");
  });

  it("refuses a cursor it never issued with 400", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("ws-cursor");
    const { status, body } = await refusal(track(user.webSocket("/api/realtime/ws?cursor=-1")));
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
  });

  it("sends the state at once, then each message live as a text frame of type unread", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("ws-live");
    const ws = track(user.webSocket());
    const frames: string[] = [];
    ws.on("message", (d: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      frames.push(d.toString());
    });
    const stream = collectWs(ws);
    expect(await stream.next()).toEqual({ unreadCount: 0, cursor: expect.stringMatching(/^\d+$/) });
    expect(JSON.parse(frames[0]!)).toMatchObject({ type: "unread", unreadCount: 0 });

    expect((await sendMessage(admin, [me.email], "Over the socket")).status).toBe(201);
    const live = await stream.next((e) => e.notification?.title === "Over the socket");
    expect(live.unreadCount).toBe(1);
    expect(Number(live.cursor)).toBeGreaterThan(Number(stream.events[0]!.cursor));

    // A read elsewhere reaches the socket as a count-only event.
    const read = await user.fetch(`/api/notifications/${live.notification!.id}`, { method: "PATCH", json: { read: true } });
    expect(read.status).toBe(200);
    const after = await stream.next((e) => e.unreadCount === 0 && !e.notification && e.cursor === live.cursor);
    expect(stream.events.indexOf(after)).toBeGreaterThan(stream.events.indexOf(live));
  });

  it("resumes from ?cursor= with every missed message once, in order, then the count", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("ws-resume");
    const first = track(user.webSocket());
    const s1 = collectWs(first);
    const { cursor } = await s1.next();
    first.close();
    await closed(first);

    for (let i = 1; i <= 5; i++) expect((await sendMessage(admin, [me.email], `missed ${i}`)).status).toBe(201);

    const second = track(user.webSocket(`/api/realtime/ws?cursor=${cursor}`));
    const s2 = collectWs(second);
    await s2.next((e) => !e.notification);
    const titles = s2.events.filter((e) => e.notification).map((e) => e.notification!.title);
    expect(titles).toEqual(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5"]);
    expect(s2.events.at(-1)).toEqual({ unreadCount: 5, cursor: s2.events.at(-2)!.cursor });
  });

  it("answers pings, and a message from the client is harmless", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("ws-ping");
    const ws = track(user.webSocket());
    const stream = collectWs(ws);
    await stream.next();
    const pong = new Promise<void>((resolve) => ws.once("pong", () => resolve()));
    ws.ping();
    await pong;
    ws.send("hello");
    ws.send(JSON.stringify({ type: "whatever" }));
    // Still open and still serving: a read-all reaches it.
    expect((await user.fetch("/api/notifications/read-all", { method: "POST" })).status).toBe(200);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it("drops a client that stops reading, while another client of the same user keeps receiving", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("ws-slow");
    // About 48 MB of backlog, written straight to the database (the API caps bodies at 10,000 characters):
    // loopback socket buffers here can absorb up to tcp_wmem max + tcp_rmem max (4 + 32 MB) before the
    // server's own buffer starts to grow, and only then does the 1 MiB bound apply.
    const rows = 480;
    const body = "x".repeat(100_000);
    await testDb().notification.createMany({
      data: Array.from({ length: rows }, (_, i) => ({ userId: me.id, kind: "message", title: `bulk ${i}`, body })),
    });

    const healthy = track(user.webSocket());
    const hs = collectWs(healthy);
    await hs.next((e) => !e.notification);

    // A raw client that completes the handshake, asks for the whole history, and never reads.
    const wsGauge = async () => {
      const text = await (await admin.fetch("/api/metrics")).text();
      return Number(/^notif_live_connections\{transport="ws"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await wsGauge(); // includes the healthy socket

    // A raw client that completes the handshake, asks for the whole history, and then never reads.
    const url = new URL(baseUrl);
    const slow = net.connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => slow.once("connect", () => resolve()));
    let received = 0;
    let head = "";
    const handshake = new Promise<void>((resolve) => {
      const onData = (c: Buffer) => {
        received += c.length;
        head += c.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        slow.off("data", onData);
        slow.pause();
        resolve();
      };
      slow.on("data", onData);
    });
    slow.write(
      [
        "GET /api/realtime/ws?cursor=0 HTTP/1.1",
        `Host: ${url.host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        `Origin: ${baseUrl}`,
        `Cookie: ${user.cookieHeader()}`,
        "",
        "",
      ].join("\r\n"),
    );
    await handshake;
    // The server registers the socket with the hub as it writes the 101, so the gauge was before + 1 by now.
    expect(head).toMatch(/^HTTP\/1\.1 101 /);

    // The replay overflows the bound while the client is not reading: the server drops it...
    await expect.poll(wsGauge, { timeout: 20_000 }).toBe(before);
    // ...while the healthy socket keeps getting live messages.
    expect((await sendMessage(admin, [me.email], "still flowing")).status).toBe(201);
    await hs.next((e) => e.notification?.title === "still flowing");

    // Reading now gets what the kernel held, then the end: well short of the full replay.
    const ended = new Promise<void>((resolve) => {
      slow.on("data", (c: Buffer) => (received += c.length));
      slow.on("close", () => resolve());
      slow.on("error", () => resolve());
    });
    slow.resume();
    await ended;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(rows * body.length);
    expect(healthy.readyState).toBe(WebSocket.OPEN);
  });
});
