// The bare baseline for bench/run.ts: a minimal Node http SSE server (no Next, no database, no auth).
// GET /sse?u=<key> holds a stream and writes the first event at once; POST /send {to: [key], title, body}
// writes one `unread` event to each recipient's streams. Plain JavaScript run by plain `node` (no tsx
// loader), so its memory is what Node itself needs for a held stream.
import { createServer } from "node:http";

const streams = new Map(); // key -> Set<ServerResponse>
const unread = new Map(); // key -> count
let seq = 0;

const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

function event(payload) {
  return `id: ${payload.cursor}\nevent: unread\ndata: ${JSON.stringify(payload)}\n\n`;
}

const writers = new Set();
setInterval(() => {
  for (const res of writers) res.write(": hb\n\n");
}, 25_000).unref();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (req.method === "GET" && url.pathname === "/sse") {
    const key = url.searchParams.get("u") ?? "";
    res.writeHead(200, SSE_HEADERS);
    res.write(`retry: 2000\n: connected\n\n`);
    res.write(event({ unreadCount: unread.get(key) ?? 0, cursor: String(seq) }));
    let set = streams.get(key);
    if (!set) streams.set(key, (set = new Set()));
    set.add(res);
    writers.add(res);
    const drop = () => {
      set.delete(res);
      writers.delete(res);
      if (set.size === 0 && streams.get(key) === set) streams.delete(key);
    };
    req.on("close", drop);
    return;
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
        const count = (unread.get(to) ?? 0) + 1;
        unread.set(to, count);
        const notification = {
          id: `n${seq}`,
          kind: "announcement",
          title: input.title,
          body: input.body,
          link: null,
          createdAt,
          readAt: null,
        };
        for (const s of streams.get(to) ?? []) s.write(event({ unreadCount: count, cursor, notification }));
      }
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ id: `a${seq}`, recipientCount: input.to.length }));
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(0, "127.0.0.1", () => {
  console.log(`[bare] ready on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => {
  for (const res of writers) res.end();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
