/**
 * A tiny HTTP forward proxy that behaves like a hostile corporate network:
 *
 * - every response is BUFFERED until the upstream response has completely
 *   ended, then sent in one piece with a Content-Length — so a Server-Sent
 *   Events stream (which never ends) never reaches the browser;
 * - protocol upgrades (`Upgrade: websocket`) are refused with 403;
 * - CONNECT tunnels (what Chromium uses for ws:// and https:// through a
 *   proxy) are refused with 403.
 *
 * Used by the Playwright e2e tests: start Chromium with
 * `--proxy-server=<url>` and `--proxy-bypass-list=<-loopback>` so that even
 * requests to 127.0.0.1 go through it. Node built-ins only.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";

export type RestrictedProxyStats = {
  /** Requests received through the normal request path (forwarded or answered with an error). */
  requests: number;
  /** Requests carrying an `Upgrade` header, refused with 403. */
  refusedUpgrades: number;
  /** CONNECT tunnels, refused with 403. */
  refusedConnects: number;
};

export type RestrictedProxy = {
  port: number;
  /** `http://127.0.0.1:<port>`, ready for Chromium's `--proxy-server`. */
  url: string;
  stats: RestrictedProxyStats;
  close(): Promise<void>;
};

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the proxy-specific ones; never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Copies headers minus hop-by-hop ones, including any named in the message's own `Connection` header. */
function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    (headers.connection ?? "")
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** A complete raw HTTP/1.1 response for sockets that have left the HTTP server (upgrade / CONNECT). */
function rawForbidden(reason: string): string {
  const body = `${reason}\n`;
  return (
    "HTTP/1.1 403 Forbidden\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n" +
    "\r\n" +
    body
  );
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startRestrictedProxy(opts?: { port?: number }): Promise<RestrictedProxy> {
  const stats: RestrictedProxyStats = { requests: 0, refusedUpgrades: 0, refusedConnects: 0 };
  const sockets = new Set<Socket>();
  // A private agent so close() can drop the upstream keep-alive sockets too.
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer();

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A browser hanging up mid-response must never crash the test run.
    socket.on("error", () => {});
  });

  server.on("clientError", (_err: Error, socket: Duplex) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });

  // With an 'upgrade' listener present, Node routes Upgrade requests here instead of to 'request'.
  server.on("upgrade", (_req: http.IncomingMessage, socket: Duplex) => {
    stats.refusedUpgrades++;
    socket.on("error", () => {});
    socket.end(rawForbidden("protocol upgrades are not allowed through this proxy"));
  });

  server.on("connect", (_req: http.IncomingMessage, socket: Duplex) => {
    stats.refusedConnects++;
    socket.on("error", () => {});
    socket.end(rawForbidden("CONNECT tunnels are not allowed through this proxy"));
  });

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.on("error", () => {});
    res.on("error", () => {});

    // Fallback: should Node ever hand an Upgrade request to 'request', refuse it here too.
    if (req.headers.upgrade !== undefined) {
      stats.refusedUpgrades++;
      res.shouldKeepAlive = false;
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end("protocol upgrades are not allowed through this proxy\n", () => req.socket.destroy());
      return;
    }

    stats.requests++;

    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      sendText(res, 400, "this is a forward proxy: absolute-form request target required");
      return;
    }
    if (target.protocol !== "http:") {
      sendText(res, 400, `unsupported scheme ${target.protocol}`);
      return;
    }

    const upReq = http.request({
      agent,
      host: target.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: target.port === "" ? 80 : Number(target.port),
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers: endToEndHeaders(req.headers),
    });

    // Client went away before we answered: abandon the upstream request (this is what ends an SSE stream upstream).
    res.on("close", () => {
      if (!res.writableFinished) upReq.destroy();
    });

    upReq.on("error", (err: Error) => {
      sendText(res, 502, `bad gateway: ${err.message}`);
    });

    upReq.on("response", (upRes: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      upRes.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
      });
      upRes.on("error", () => {});
      upRes.on("end", () => {
        if (res.destroyed) return;
        const status = upRes.statusCode ?? 502;
        const headers = endToEndHeaders(upRes.headers);
        const bodyless = req.method === "HEAD" || status === 204 || status === 304 || status < 200;
        if (status === 204 || status < 200) delete headers["content-length"];
        else if (!bodyless) headers["content-length"] = length;
        // HEAD / 304 keep the upstream content-length, which describes the representation, not this message.
        res.writeHead(status, upRes.statusMessage, headers);
        res.end(bodyless ? undefined : Buffer.concat(chunks, length));
      });
      upRes.on("close", () => {
        if (!upRes.complete) sendText(res, 502, "bad gateway: upstream closed the response early");
      });
    });

    req.pipe(upReq);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts?.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", () => {});

  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        agent.destroy();
      });
      return closing;
    },
  };
}
