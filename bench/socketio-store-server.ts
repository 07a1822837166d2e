// The like-for-like peer for bench/run.ts: Socket.IO (socket.io 4, its default in-memory adapter,
// WebSocket transport only, per-message deflate off, as bench/socketio-server.mjs) with the
// persistence a developer would give a notification service on this stack: every message is stored
// with Prisma (lib/db/create.ts) in the same kind of database ours runs on (DATABASE_URL, prepared by
// the bench with the same users) before it is emitted, as ours does. The in-memory peer prices the
// library; this one prices Socket.IO plus a store. Still no auth, which favours it.
//
//   Socket.IO handshake with query u=<userId>   the socket joins room <userId>; its unread count and newest
//                                               seq are read, and it gets `unread` {unreadCount, cursor}
//   POST /send {to: [userId], title, body}      one row per recipient (createManyAndReturn), each one's
//                                               unread count, then io.to(userId).emit("unread", payload); 201 {ids}
//   POST /broadcast {title, body}               one broadcast row (userId null), then io.emit("unread", payload)
//                                               to every socket (clients add one to their badge); 201
//
// Run with `node --import tsx` (bench/lib/servers.ts does), so Prisma's generated client loads as in
// the app.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { createPrismaClient } from "../lib/db/create";
import { providerOf } from "../lib/db/provider";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("[socket.io+store] DATABASE_URL is required");
  process.exit(2);
}
const prisma = createPrismaClient(url);

type Row = { seq: number; id: string; kind: string; title: string; body: string; link: string | null; createdAt: Date };

const notification = (row: Row) => ({ id: row.id, kind: row.kind, title: row.title, body: row.body, link: row.link, createdAt: row.createdAt.toISOString(), readAt: null });

const unreadOf = (userId: string) => prisma.notification.count({ where: { userId, readAt: null } });

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req) body += chunk as string;
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new BadRequest("body is not JSON");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new BadRequest("body is not a JSON object");
  return input as Record<string, unknown>;
}

function text(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== "string" || !v) throw new BadRequest(`${key} must be a non-empty string`);
  return v;
}

async function send(input: Record<string, unknown>): Promise<{ ids: string[] }> {
  const to = input.to;
  if (!Array.isArray(to) || !to.length || !to.every((u): u is string => typeof u === "string" && u.length > 0)) {
    throw new BadRequest("to must be a non-empty array of user ids");
  }
  const title = text(input, "title");
  const body = text(input, "body");
  const rows = await prisma.notification.createManyAndReturn({ data: to.map((userId) => ({ kind: "message", userId, title, body })) });
  for (const row of rows) {
    const userId = row.userId!;
    io.to(userId).emit("unread", { unreadCount: await unreadOf(userId), cursor: String(row.seq), notification: notification(row) });
  }
  return { ids: rows.map((r) => r.id) };
}

async function broadcast(input: Record<string, unknown>): Promise<{ id: string; recipientCount: number }> {
  const row = await prisma.notification.create({ data: { kind: "announcement", userId: null, title: text(input, "title"), body: text(input, "body") } });
  io.emit("unread", { unreadCount: 1, cursor: String(row.seq), notification: notification(row) });
  return { id: row.id, recipientCount: io.engine.clientsCount };
}

const routes: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = { "/send": send, "/broadcast": broadcast };

// Socket.IO takes its own path (/socket.io/) and hands every other request to this listener.
const server = createServer((req, res) => {
  const route = req.method === "POST" ? routes[req.url ?? ""] : undefined;
  if (!route) return void res.writeHead(404).end();
  readJson(req)
    .then(route)
    .then(
      (out) => json(res, 201, out),
      (e: unknown) => {
        if (e instanceof BadRequest) return json(res, 400, { error: e.message });
        // A recipient that is not a user breaks the foreign key: the caller's mistake, not the server's.
        if ((e as { code?: unknown }).code === "P2003") return json(res, 400, { error: "unknown recipient" });
        console.error(`[socket.io+store] POST ${req.url} failed:`, e);
        json(res, 500, { error: "internal error" });
      },
    );
});

const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 4096 });
io.on("connection", (socket) => {
  const userId = socket.handshake.query.u;
  if (typeof userId !== "string" || !userId) return void socket.disconnect(true);
  void socket.join(userId);
  Promise.all([unreadOf(userId), prisma.notification.findFirst({ where: { userId }, orderBy: { seq: "desc" }, select: { seq: true } })]).then(
    ([unreadCount, newest]) => socket.emit("unread", { unreadCount, cursor: String(newest?.seq ?? 0) }),
    (e: unknown) => {
      console.error(`[socket.io+store] reading ${userId}'s state failed:`, e);
      socket.disconnect(true);
    },
  );
});

async function main(): Promise<void> {
  // As the app does on SQLite (lib/db/client.ts): readers proceed while a writer commits.
  if (providerOf(url) === "sqlite") {
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  }
  server.listen(0, "127.0.0.1", () => {
    console.log(`[socket.io+store] ready on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}

process.on("SIGTERM", () => {
  io.close(() => void prisma.$disconnect().finally(() => process.exit(0)));
  io.disconnectSockets(true);
});

main().catch((e: unknown) => {
  console.error("[socket.io+store] failed to start:", e);
  process.exit(1);
});
