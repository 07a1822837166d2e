// The custom server: Next's request handler, the WebSocket upgrade path, graceful shutdown.
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { WebSocketServer } from "ws";
import { env } from "./lib/env";
import { CLIENT_IP_HEADER } from "./lib/http/client-ip";
import { AppError, errorBody } from "./lib/http/errors";
import { runShutdown } from "./lib/server/lifecycle";

const dev = env.NODE_ENV !== "production";
const WS_PATH = "/api/realtime/ws";
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
const app = next({ dev, hostname: env.HOST, port: env.PORT, httpServer: server });
const handle = app.getRequestHandler();
const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

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

server.on("request", (req, res) => {
  // The client address Next sees is ours, never one a client made up.
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
  if (undecodableApiPath(req.url)) {
    const body = JSON.stringify(errorBody(new AppError("invalid_request", "The request path is not valid percent-encoding.")));
    res.writeHead(400, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  void handle(req, res);
});

server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const path = (req.url ?? "").split("?")[0];
  // Every other upgrade (Next's dev HMR) belongs to Next's own listener: leave the socket alone.
  if (path !== WS_PATH) return;
  // The WebSocket transport arrives in a later issue; refuse cleanly meanwhile.
  void wss;
  void head;
  socket.end("HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
});

let stopping = false;
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
  for (const client of wss.clients) client.close(1012, "restarting");
  server.closeIdleConnections();
  await closed;
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

app
  .prepare()
  .then(() => {
    server.listen(env.PORT, env.HOST, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : env.PORT;
      console.log(`[server] ready on http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${port} (${dev ? "dev" : "production"})`);
    });
  })
  .catch((e: unknown) => {
    console.error("[server] failed to start", e);
    process.exit(1);
  });
