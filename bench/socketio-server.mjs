// The peer for bench/run.ts: the same workload on Socket.IO (socket.io 4, its default in-memory
// adapter), WebSocket transport only, per-message deflate off as in ours. No database, no auth:
// like the bare server, it prices the library, not a product.
//
//   Socket.IO handshake with query u=<key>   the socket joins room <key> and gets `unread` {unreadCount, cursor}
//   POST /send {to: [key], title, body}      io.to(key).emit("unread", payload) for each recipient; 201
//   POST /broadcast {title, body}            io.emit("unread", payload) to every socket; 201
//
// Plain JavaScript run by plain `node`, so its memory is what Node and Socket.IO need per connection.
import { createServer } from "node:http";
import { Server } from "socket.io";

const unread = new Map(); // key -> count
const lastSeq = new Map(); // key -> newest seq of that key
let seq = 0;

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req, then) {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (body += c));
  req.on("end", () => then(JSON.parse(body)));
}

const notification = (input, id) => ({ id, kind: "announcement", title: input.title, body: input.body, link: null, createdAt: new Date().toISOString(), readAt: null });

// Socket.IO takes its own path (/socket.io/) and hands every other request to this listener.
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/send") {
    return readJson(req, (input) => {
      for (const to of input.to) {
        lastSeq.set(to, ++seq);
        const count = (unread.get(to) ?? 0) + 1;
        unread.set(to, count);
        io.to(to).emit("unread", { unreadCount: count, cursor: String(seq), notification: notification(input, `n${seq}`) });
      }
      json(res, 201, { id: `a${seq}`, recipientCount: input.to.length });
    });
  }
  if (req.method === "POST" && req.url === "/broadcast") {
    return readJson(req, (input) => {
      const cursor = String(++seq);
      io.emit("unread", { unreadCount: 1, cursor, notification: notification(input, `n${seq}`) });
      json(res, 201, { id: `a${seq}`, recipientCount: io.engine.clientsCount });
    });
  }
  res.writeHead(404).end();
});

const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 4096 });
io.on("connection", (socket) => {
  const key = String(socket.handshake.query.u ?? "");
  socket.join(key);
  socket.emit("unread", { unreadCount: unread.get(key) ?? 0, cursor: String(lastSeq.get(key) ?? 0) });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`[socket.io] ready on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => {
  io.close(() => process.exit(0));
  io.disconnectSockets(true);
});
