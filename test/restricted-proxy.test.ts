import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestrictedProxy, type RestrictedProxy } from "./restricted-proxy";

/** What the upstream saw, so the tests can prove the proxy really forwarded (or really did not). */
const seen = {
  headers: [] as http.IncomingHttpHeaders[],
  upgrades: 0,
  sseOpened: 0,
  sseEventWritten: 0,
  sseClosed: 0,
};

function startUpstream(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    seen.headers.push(req.headers);
    if (req.url === "/json") {
      const body = JSON.stringify({ ok: true, path: req.url });
      res.writeHead(200, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(body);
    } else if (req.url === "/echo" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        res.writeHead(201, { "content-type": "text/plain" });
        res.end(`got:${Buffer.concat(chunks).toString("utf8")}`);
      });
    } else if (req.url === "/chunked") {
      res.writeHead(200, { "content-type": "text/plain" }); // no content-length: chunked
      res.write("first;");
      setTimeout(() => res.end("second"), 300);
    } else if (req.url === "/sse") {
      seen.sseOpened++;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("event: hello\ndata: {}\n\n", () => seen.sseEventWritten++);
      res.on("close", () => seen.sseClosed++);
      // never ends
    } else {
      res.writeHead(404).end();
    }
  });
  server.on("upgrade", (_req, socket) => {
    seen.upgrades++;
    socket.destroy();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

type Raw = { firstByteMs: number | null; elapsedMs: number; data: string };

/**
 * Speaks raw HTTP/1.1 to the proxy, recording exactly when the first byte
 * arrives. Resolves when the proxy closes the socket or after `abortAfterMs`.
 */
function rawRequest(proxyPort: number, request: string, abortAfterMs: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs: number | null = null;
    const chunks: Buffer[] = [];
    const socket = net.connect(proxyPort, "127.0.0.1", () => socket.write(request));
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        firstByteMs,
        elapsedMs: performance.now() - started,
        data: Buffer.concat(chunks).toString("utf8"),
      });
    };
    const timer = setTimeout(finish, abortAfterMs);
    socket.on("data", (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(chunk);
      // A buffered response is whole once its Content-Length body has arrived.
      const text = Buffer.concat(chunks).toString("utf8");
      const headEnd = text.indexOf("\r\n\r\n");
      const len = /\r\ncontent-length: *(\d+)/i.exec(text)?.[1];
      if (headEnd !== -1 && len !== undefined && Buffer.byteLength(text) - headEnd - 4 >= Number(len)) finish();
    });
    socket.on("end", finish);
    socket.on("error", reject);
  });
}

function get(
  proxyPort: number,
  target: string,
  init: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: proxyPort, method: init.method ?? "GET", path: target, headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("restricted proxy", () => {
  let upstream: http.Server;
  let upPort: number;
  let proxy: RestrictedProxy;

  beforeAll(async () => {
    upstream = await startUpstream();
    upPort = (upstream.address() as AddressInfo).port;
    proxy = await startRestrictedProxy();
  });

  afterAll(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it("listens on 127.0.0.1 and reports its url", () => {
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
  });

  it("forwards an absolute-form GET and passes status, headers and body through", async () => {
    const res = await get(proxy.port, `http://127.0.0.1:${upPort}/json`, {
      headers: { host: `127.0.0.1:${upPort}`, "proxy-connection": "keep-alive", "x-client": "1" },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, path: "/json" });
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["x-upstream"]).toBe("yes");
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(res.body)));

    const up = seen.headers.at(-1);
    expect(up?.["x-client"]).toBe("1");
    expect(up?.host).toBe(`127.0.0.1:${upPort}`);
    expect(up?.["proxy-connection"]).toBeUndefined();
  });

  it("streams a request body upstream", async () => {
    const res = await get(proxy.port, `http://127.0.0.1:${upPort}/echo`, {
      method: "POST",
      headers: { host: `127.0.0.1:${upPort}`, "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe("got:hello");
  });

  it("buffers a chunked response: nothing arrives before the upstream ends", async () => {
    const r = await rawRequest(
      proxy.port,
      `GET http://127.0.0.1:${upPort}/chunked HTTP/1.1\r\nHost: 127.0.0.1:${upPort}\r\nProxy-Connection: keep-alive\r\n\r\n`,
      3_000,
    );
    expect(r.firstByteMs).not.toBeNull();
    expect(r.firstByteMs ?? 0).toBeGreaterThanOrEqual(250);
    expect(r.data).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.data).toMatch(/\r\ncontent-length: 12\r\n/i);
    expect(r.data).not.toMatch(/transfer-encoding/i);
    expect(r.data.endsWith("\r\n\r\nfirst;second")).toBe(true);
  });

  it("never delivers a byte of an SSE stream, and aborts upstream when the client gives up", async () => {
    const before = { opened: seen.sseOpened, written: seen.sseEventWritten, closed: seen.sseClosed };
    const r = await rawRequest(
      proxy.port,
      `GET http://127.0.0.1:${upPort}/sse HTTP/1.1\r\nHost: 127.0.0.1:${upPort}\r\nAccept: text/event-stream\r\n\r\n`,
      1_000,
    );
    expect(r.firstByteMs).toBeNull();
    expect(r.data).toBe("");
    // Not vacuous: the upstream really opened the stream and wrote an event.
    expect(seen.sseOpened).toBe(before.opened + 1);
    expect(seen.sseEventWritten).toBe(before.written + 1);
    // The client's abort propagates to the upstream request.
    await expect.poll(() => seen.sseClosed, { timeout: 2_000 }).toBe(before.closed + 1);
  });

  it("refuses a WebSocket upgrade with 403", async () => {
    const before = proxy.stats.refusedUpgrades;
    const res = await get(proxy.port, `http://127.0.0.1:${upPort}/ws`, {
      headers: {
        host: `127.0.0.1:${upPort}`,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
      },
    });
    expect(res.status).toBe(403);
    expect(proxy.stats.refusedUpgrades).toBe(before + 1);
    expect(seen.upgrades).toBe(0);
  });

  it("refuses a CONNECT tunnel with 403", async () => {
    const before = proxy.stats.refusedConnects;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1",
        port: proxy.port,
        method: "CONNECT",
        path: `127.0.0.1:${upPort}`,
        agent: false,
      });
      // Node's client hands any answer to CONNECT to 'connect', whatever its status.
      req.on("connect", (res: http.IncomingMessage, socket: net.Socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on("response", (res: http.IncomingMessage) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(proxy.stats.refusedConnects).toBe(before + 1);
  });

  it("answers 502 when the upstream is unreachable", async () => {
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", () => resolve()));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const res = await get(proxy.port, `http://127.0.0.1:${deadPort}/`, { headers: { host: `127.0.0.1:${deadPort}` } });
    expect(res.status).toBe(502);
    expect(res.body).toMatch(/bad gateway/);
  });

  it("counts proxied requests", () => {
    // /json, /echo, /chunked, /sse, the 502 — upgrades and CONNECTs are counted separately.
    expect(proxy.stats.requests).toBe(5);
  });

  it("close() resolves promptly with a stream still open", async () => {
    const p = await startRestrictedProxy();
    const socket = net.connect(p.port, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`GET http://127.0.0.1:${upPort}/sse HTTP/1.1\r\nHost: 127.0.0.1:${upPort}\r\n\r\n`);
    await expect.poll(() => p.stats.requests).toBe(1);

    const started = performance.now();
    await p.close();
    expect(performance.now() - started).toBeLessThan(500);
    await new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));
  });
});
