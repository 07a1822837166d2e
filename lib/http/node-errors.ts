// The contract's error answer written straight to Node's response or socket, for the paths that
// never reach Next: server.ts (undecodable paths, draining, upgrades) and the WebSocket handshake.
// No `server-only` marker: server.ts runs outside Next's bundler.
import { type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type AppError, errorBody } from "./errors";

function parts(error: AppError, closing: boolean): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(errorBody(error));
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      ...(closing ? { Connection: "close" } : {}),
      ...error.headers,
    },
  };
}

/** An error answer on a plain request (`closing`: and the connection ends after it). */
export function writeError(res: ServerResponse, error: AppError, opts: { closing?: boolean } = {}): void {
  const { body, headers } = parts(error, opts.closing ?? false);
  res.writeHead(error.status, headers);
  res.end(body);
}

/** Refuses an upgrade request with an HTTP answer in the contract's shape, then ends the socket. */
export function refuseUpgrade(socket: Duplex, error: AppError): void {
  if (socket.destroyed) return;
  socket.on("error", () => socket.destroy());
  const { body, headers } = parts(error, true);
  const head = [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? "Error"}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}
