// The custom server: Next's request handler, the held realtime transports (SSE, long-poll, WebSocket),
// graceful shutdown.
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { env } from "./lib/env";
import { CLIENT_IP_HEADER } from "./lib/http/client-ip";
import { AppError } from "./lib/http/errors";
import { refuseUpgrade, writeError } from "./lib/http/node-errors";
import { routeLabel } from "./lib/http/route-label";
import type { Metrics } from "./lib/metrics";
import type { Hub } from "./lib/realtime/hub";
import { createHttpEndpoints } from "./lib/realtime/transports/http";
import { createWsEndpoint, WS_PATH } from "./lib/realtime/transports/ws";
import { runDrained, runShutdown } from "./lib/server/lifecycle";
import { registered } from "./lib/server/singleton";

const dev = env.NODE_ENV !== "production";
const SHUTDOWN_DEADLINE_MS = 8000;

// next-auth derives its URL from the Host header unless the operator pins NEXTAUTH_URL.
process.env.AUTH_TRUST_HOST ??= "1";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

function clientAddress(req: IncomingMessage): string {
  if (env.TRUST_PROXY === "1") {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

const server = createServer();
let stopping = false;
// Next attaches its own `upgrade` listener to `httpServer` on the first request, and that listener ends
// any upgrade whose path matches a route (our `app/api/[...path]` catch-all matches the WebSocket path).
// So Next gets a server of its own that never listens, and we hand it only the upgrades that are its
// (dev HMR); the realtime path never reaches it.
const nextUpgrades = createServer();
const app = next({ dev, hostname: env.HOST, port: env.PORT, httpServer: nextUpgrades });
const handle = app.getRequestHandler();
// The realtime core lives in Next's bundle (created by instrumentation.ts); the transports borrow it.
// SSE and long-poll streams are answered here on Node's response, never through Next's per-request
// machinery, which held ~75 KiB per open stream (docs/decisions/009-lean-stream-path.md).
const hub = () => registered<Hub>("hub");
const websockets = createWsEndpoint({ hub });
const streams = createHttpEndpoints({ hub });

/** Next throws (a bare 500) on an API path it cannot percent-decode, e.g. `/api/notifications/%`. */
function undecodableApiPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0]!;
  if (!path.startsWith("/api/")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** While draining, a keep-alive socket can still carry a new request (a reconnecting stream): send it elsewhere. */
const RESTARTING = new AppError("unavailable", "The server is restarting. Try again shortly.", { headers: { "Retry-After": "1" } });

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Streams stay open by design: their duration would drown every other route's. */
const LONG_LIVED = new Set(["/api/realtime/sse", "/api/realtime/poll"]);

/** HTTP requests by route template and status, into the registry Next's bundle created. */
function record(method: string | undefined, route: string, status: number, startedAt: number | null): void {
  const m = registered<Metrics>("metrics");
  if (!m) return;
  m.httpRequests.inc({ route, method: method && METHODS.has(method) ? method : "other", status: String(status) });
  if (startedAt !== null && !LONG_LIVED.has(route)) m.httpDuration.observe({ route }, (performance.now() - startedAt) / 1000);
}

server.on("request", (req, res) => {
  const startedAt = performance.now();
  const route = routeLabel(req.url);
  // "close" fires for finished and aborted responses alike, once.
  res.once("close", () => record(req.method, route, res.statusCode, res.writableFinished ? startedAt : null));
  if (stopping) return writeError(res, RESTARTING, { closing: true });
  if (streams.handle(req, res)) return;
  // The client address Next sees is ours, never one a client made up.
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
  if (undecodableApiPath(req.url)) {
    return writeError(res, new AppError("invalid_request", "The request path is not valid percent-encoding."));
  }
  void handle(req, res);
});

server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const path = (req.url ?? "").split("?")[0];
  if (stopping) {
    refuseUpgrade(socket, RESTARTING);
  } else if (path === WS_PATH) {
    void websockets.handleUpgrade(req, socket, head).then((status) => record(req.method, WS_PATH, status, null));
  } else if (dev && path?.startsWith("/_next/")) {
    // Dev HMR is Next's: pass it on untouched.
    nextUpgrades.emit("upgrade", req, socket, head);
  } else {
    // Nothing else upgrades; an unanswered upgrade would hold its socket with no timeout.
    refuseUpgrade(socket, new AppError("not_found", "Nothing upgrades at this path."));
    record(req.method, routeLabel(req.url), 404, null);
  }
});

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[server] ${signal}: draining`);
  const deadline = setTimeout(() => {
    console.error("[server] drain deadline passed; exiting");
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await runShutdown(); // ends live streams: clients reconnect (elsewhere, when load balanced)
  websockets.close();
  server.closeIdleConnections();
  await closed;
  await runDrained(); // the last requests are done: close what they used (the bus)
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

/**
 * In production Next runs instrumentation.ts (the hub, the bus subscription, the scheduler) on the first
 * request, not in prepare() (dev runs it in prepare()): ask for /api/health until it is healthy (at most
 * 5 s), so an instance that no one has called yet still hears the bus and publishes scheduled
 * announcements, and "ready" means ready.
 */
async function warmUp(port: number): Promise<void> {
  const host = env.HOST === "0.0.0.0" || env.HOST === "::" ? "127.0.0.1" : env.HOST;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/api/health`;
  const until = Date.now() + 5000;
  let last = "no answer";
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      last = await res.text();
      if (res.ok) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.warn(`[server] not healthy yet (${last}); serving anyway`);
}

app
  .prepare()
  .then(() => {
    server.listen(env.PORT, env.HOST, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : env.PORT;
      void warmUp(port).then(() => {
        console.log(`[server] ready on http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${port} (${dev ? "dev" : "production"})`);
      });
    });
  })
  .catch((e: unknown) => {
    console.error("[server] failed to start", e);
    process.exit(1);
  });
