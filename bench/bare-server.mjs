// The bare baseline for bench/run.ts: a minimal Node server (no Next, no database, no auth) speaking
// each transport the way the real one does, so every transport of ours has a floor to be read against.
//
//   GET  /sse?u=<key>                      SSE: `retry:` and the first `unread` event at once, then held
//   GET  /ws?u=<key> (Upgrade)             WebSocket (the `ws` package, as server.ts uses): the first
//                                          `{"type":"unread",…}` frame at once, then one per message
//   GET  /poll?u=<key>[&cursor=c]&timeout=t  long-poll: `{events, cursor}`; no cursor → the current state
//                                          at once; events after the cursor → at once; else held until
//                                          the next message or the timeout (then `events: []`)
//   GET  /count?u=<key>                    short polling: `{unreadCount, cursor}` with a weak ETag; 304
//                                          on If-None-Match
//   POST /send {to: [key], title, body}    one `unread` event (same payload shape) to every live
//                                          connection of each recipient; 201
//   POST /broadcast {title, body}          one `unread` event to every live connection, serialized
//                                          once for all (no per-user count: the limit of a fan-out); 201
//
// Plain JavaScript run by plain `node` (no tsx loader), so its memory is what Node needs per connection.
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const sseStreams = new Map(); // key -> Set<ServerResponse>
const sockets = new Map(); // key -> Set<WebSocket>
const polls = new Map(); // key -> Set<{ answer(events) }>
const recent = new Map(); // key -> the last few events (long-poll replay after a cursor)
const broadcasts = []; // the last few broadcast events (long-poll replay after a cursor, for every key)
const unread = new Map(); // key -> count
const lastSeq = new Map(); // key -> newest seq of that key
let seq = 0;
const RECENT = 16;

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

const sseEvent = (payload) => `id: ${payload.cursor}\nevent: unread\ndata: ${JSON.stringify(payload)}\n\n`;
const wsFrame = (payload) => JSON.stringify({ type: "unread", ...payload });
const state = (key) => ({ unreadCount: unread.get(key) ?? 0, cursor: String(lastSeq.get(key) ?? 0) });

function addTo(map, key, item) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(item);
  return () => {
    set.delete(item);
    if (set.size === 0 && map.get(key) === set) map.delete(key);
  };
}

// One heartbeat timer for every SSE stream and one ping timer for every socket, as the real server has.
const sseWriters = new Set();
setInterval(() => {
  for (const res of sseWriters) res.write(": hb\n\n");
}, 25_000).unref();
const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
const alive = new WeakMap();
setInterval(() => {
  for (const ws of wss.clients) {
    if (alive.get(ws) === false) {
      ws.terminate();
      continue;
    }
    alive.set(ws, false);
    ws.ping();
  }
}, 25_000).unref();

function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const key = url.searchParams.get("u") ?? "";
  if (req.method === "GET" && url.pathname === "/sse") {
    res.writeHead(200, SSE_HEADERS);
    res.write(`retry: 2000\n: connected\n\n`);
    res.write(sseEvent(state(key)));
    const drop = addTo(sseStreams, key, res);
    sseWriters.add(res);
    req.on("close", () => {
      drop();
      sseWriters.delete(res);
    });
    return;
  }
  if (req.method === "GET" && url.pathname === "/poll") {
    const raw = url.searchParams.get("cursor");
    const timeout = Math.min(30, Math.max(1, Number(url.searchParams.get("timeout") ?? 25)));
    if (raw === null) return json(res, 200, { events: [state(key)], cursor: state(key).cursor }, { "Cache-Control": "no-store" });
    const after = [...(recent.get(key) ?? []), ...broadcasts].filter((e) => Number(e.cursor) > Number(raw)).sort((a, b) => Number(a.cursor) - Number(b.cursor));
    if (after.length) return json(res, 200, { events: after, cursor: after.at(-1).cursor }, { "Cache-Control": "no-store" });
    let done = false;
    const hold = {
      answer(events) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        drop();
        json(res, 200, { events, cursor: events.at(-1)?.cursor ?? raw }, { "Cache-Control": "no-store" });
      },
    };
    const drop = addTo(polls, key, hold);
    const timer = setTimeout(() => hold.answer([]), timeout * 1000);
    req.on("close", () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      drop();
    });
    return;
  }
  if (req.method === "GET" && url.pathname === "/count") {
    const s = state(key);
    const etag = `W/"${s.unreadCount}-${s.cursor}"`;
    const headers = { ETag: etag, "Cache-Control": "private, no-cache" };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      return res.end();
    }
    return json(res, 200, s, headers);
  }
  if (req.method === "POST" && url.pathname === "/send") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const input = JSON.parse(body);
      const createdAt = new Date().toISOString();
      for (const to of input.to) {
        const cursor = String(++seq);
        lastSeq.set(to, seq);
        const count = (unread.get(to) ?? 0) + 1;
        unread.set(to, count);
        const notification = { id: `n${seq}`, kind: "announcement", title: input.title, body: input.body, link: null, createdAt, readAt: null };
        const payload = { unreadCount: count, cursor, notification };
        const log = recent.get(to) ?? [];
        log.push(payload);
        if (log.length > RECENT) log.shift();
        recent.set(to, log);
        for (const s of sseStreams.get(to) ?? []) s.write(sseEvent(payload));
        for (const ws of sockets.get(to) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(wsFrame(payload));
        for (const p of [...(polls.get(to) ?? [])]) p.answer([payload]);
      }
      json(res, 201, { id: `a${seq}`, recipientCount: input.to.length });
    });
    return;
  }
  if (req.method === "POST" && url.pathname === "/broadcast") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const input = JSON.parse(body);
      const cursor = String(++seq);
      const notification = { id: `n${seq}`, kind: "announcement", title: input.title, body: input.body, link: null, createdAt: new Date().toISOString(), readAt: null };
      const payload = { unreadCount: 1, cursor, notification };
      broadcasts.push(payload);
      if (broadcasts.length > RECENT) broadcasts.shift();
      // Encoded once: every connection gets the same bytes.
      const sse = Buffer.from(sseEvent(payload));
      const frame = Buffer.from(wsFrame(payload));
      let n = 0;
      for (const set of sseStreams.values()) for (const s of set) (s.write(sse), n++);
      for (const set of sockets.values()) for (const ws of set) if (ws.readyState === WebSocket.OPEN) (ws.send(frame, { binary: false }), n++);
      for (const set of [...polls.values()]) for (const p of [...set]) (p.answer([payload]), n++);
      json(res, 201, { id: `a${seq}`, recipientCount: n });
    });
    return;
  }
  res.writeHead(404).end();
});

server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname !== "/ws") return socket.destroy();
  const key = url.searchParams.get("u") ?? "";
  socket.on("error", () => socket.destroy());
  wss.handleUpgrade(req, socket, head, (ws) => {
    alive.set(ws, true);
    const drop = addTo(sockets, key, ws);
    ws.on("pong", () => alive.set(ws, true));
    ws.on("message", () => alive.set(ws, true));
    ws.on("error", () => ws.terminate());
    ws.on("close", drop);
    ws.send(wsFrame(state(key)));
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`[bare] ready on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => {
  for (const res of sseWriters) res.end();
  for (const ws of wss.clients) ws.terminate();
  for (const set of polls.values()) for (const p of [...set]) p.answer([]);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
