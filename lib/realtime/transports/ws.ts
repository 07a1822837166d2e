// The WebSocket encoding over the hub, served by server.ts (Next route handlers cannot upgrade).
// No `server-only` marker: server.ts runs outside Next's bundler. The hub itself is the one Next's
// instrumentation created (see lib/server/singleton.ts), so every transport shares one core.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { AppError } from "@/lib/http/errors";
import { refuseUpgrade } from "@/lib/http/node-errors";
import { originAllowed } from "@/lib/http/origin";
import type { UnreadEvent } from "@/lib/notifications/dto";
import { eventJson, sharedFrame } from "../encode";
import type { Connection, Hub } from "../hub";
import { admitLive, startedHub } from "./admission";
import { header, liveRequest } from "./request";

export const WS_PATH = "/api/realtime/ws";
export const PING_MS = 25_000;
/** A client whose unsent frames exceed this is dropped, never allowed to grow memory or stall a broadcast. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Close codes: 1012 "service restart" tells the client to reconnect (elsewhere, when load balanced). */
export const CLOSE_RECONNECT = 1012;
export const CLOSE_TOO_SLOW = 1013;

export function encodeFrame(event: UnreadEvent): string {
  return eventJson(event, "unread");
}

type Options = {
  /** The process's hub; undefined until Next has started. */
  hub: () => Hub | undefined;
  pingMs?: number;
  maxBufferedBytes?: number;
};

export function createWsEndpoint(opts: Options) {
  const maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  // One timer pings every client; a client that did not answer the previous ping is dropped.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.pingMs ?? PING_MS);
  pinger.unref();

  function attach(ws: WebSocket, hub: Hub, userId: string, role: string, cursor: number | null): void {
    alive.set(ws, true);
    const dropIfSlow = () => {
      if (ws.bufferedAmount <= maxBuffered) return false;
      ws.terminate();
      return true;
    };
    const conn: Connection = hub.connect(userId, cursor, "ws", {
      send(event) {
        if (ws.readyState !== WebSocket.OPEN || dropIfSlow()) return;
        ws.send(sharedFrame(event, "ws", encodeFrame), { binary: false });
        dropIfSlow();
      },
      close() {
        if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_RECONNECT, "reconnect");
      },
    }, role);
    ws.on("pong", () => alive.set(ws, true));
    // The protocol is server → client only; anything the client sends just proves it is alive.
    ws.on("message", () => alive.set(ws, true));
    ws.on("error", () => ws.terminate());
    ws.on("close", () => hub.disconnect(conn));
  }

  /** Resolves to the HTTP status of the handshake: 101, or the refusal's. */
  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<number> {
    socket.on("error", () => socket.destroy());
    try {
      // Browsers always send Origin on a WebSocket handshake: a missing or foreign one is refused
      // (cross-site WebSocket hijacking); server-side clients must send ours.
      if (!originAllowed((name) => header(req, name), { requireOrigin: true })) {
        throw new AppError("forbidden", "WebSocket connections must come from this site (Origin).");
      }
      // What `ws` would refuse itself, refused here so the answer (and the metrics) are ours.
      if (header(req, "sec-websocket-version") !== "13" || !/^[A-Za-z0-9+/]{22}==$/.test(header(req, "sec-websocket-key") ?? "")) {
        throw new AppError("invalid_request", "Not a valid WebSocket handshake.");
      }
      const { user, cursor } = await liveRequest(req);
      const hub = startedHub(opts.hub());
      admitLive(hub, user.id);
      if (socket.destroyed) return 499;
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, hub, user.id, user.role, cursor));
      return 101;
    } catch (e) {
      const error = e instanceof AppError ? e : new AppError("internal");
      if (!(e instanceof AppError)) console.error("[ws] upgrade failed", e);
      refuseUpgrade(socket, error);
      return error.status;
    }
  }

  return {
    handleUpgrade,
    clientCount: () => wss.clients.size,
    /** Tells every client to reconnect elsewhere and stops the pinger. */
    close(): void {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.close(CLOSE_RECONNECT, "restarting");
    },
  };
}
