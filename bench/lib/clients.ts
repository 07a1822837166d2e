// The bench's clients, one shape for every transport and every server: raw `http.get` SSE readers
// with a small parser (not the `eventsource` package), `ws` WebSocket clients, `http.get` long-poll
// loops on a keep-alive agent, and socket.io-client (WebSocket transport only, no polling upgrade).
// Every event any client parses goes through `received`, which hands it to whoever listens for the
// title of the notification it carries (a personal message or an announcement).
import http from "node:http";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import { WebSocket } from "ws";

export const EVENT_TIMEOUT_MS = 15_000;
/** The long-poll `timeout` a client asks for (the browser client's). */
export const LONGPOLL_TIMEOUT_S = 25;

export type Payload = { unreadCount: number; cursor: string; notification?: { id: string; title: string } };

/** Called with the arrival time and the client's index, for every client that parses the event. */
export type Arrival = (t: number, client: number) => void;
const listeners = new Map<string, Arrival>();
export const eventCounts = { received: 0 };

/** Listens for events carrying a notification titled `title`; returns the un-listen. */
export function listen(title: string, fn: Arrival): () => void {
  listeners.set(title, fn);
  return () => {
    if (listeners.get(title) === fn) listeners.delete(title);
  };
}

function received(payload: Payload, t: number, client: number): void {
  eventCounts.received++;
  const title = payload.notification?.title;
  if (title) listeners.get(title)?.(t, client);
}

/** SSE streams and WebSocket handshakes: one connection each, never reused. */
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** Long-polls and short polls re-request on the same socket, as a browser does. */
// Every client keeps its connection between polls, as a browser does: no cap on idle sockets (the default 256, or any
// cap below the client count, closes sockets when a broadcast answers every poll at once, and the next polls reconnect).
export const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity });

export type Conn = { close(): void; openedMs: number };
export type ClientKind = "sse" | "ws" | "longpoll" | "socketio";

/**
 * Runs `start(ok, fail)`; `ok` ends the open (at the first event), `fail` on an error or when no event
 * came within EVENT_TIMEOUT_MS (then the function `start` returned tears the attempt down).
 */
function opening(start: (ok: (close: () => void) => void, fail: (e: Error) => void) => () => void): Promise<Conn> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    let abort: () => void = () => {};
    const timer = setTimeout(() => fail(new Error(`no first event in ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    function fail(e: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort();
      reject(e);
    }
    function ok(close: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ close, openedMs: performance.now() - t0 });
    }
    abort = start(ok, fail);
  });
}

/** A minimal SSE reader over http.get; `unread` events only. */
export function openSse(url: string, headers: Record<string, string>, client: number): Promise<Conn> {
  return opening((ok, fail) => {
    const req = http.get(url, { agent, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new Error(`GET ${url} → ${res.statusCode}`));
      }
      res.setEncoding("utf8");
      let buf = "";
      res.on("data", (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let type = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") type = value;
            else if (field === "data") data += (data ? "\n" : "") + value;
          }
          if (type !== "unread" || !data) continue;
          received(JSON.parse(data) as Payload, performance.now(), client);
          ok(() => req.destroy());
        }
      });
      res.on("error", () => {});
    });
    req.on("error", (e) => fail(e));
    return () => req.destroy();
  });
}

/** A `ws` client: text frames `{"type":"unread", …payload}`. */
export function openWs(url: string, headers: Record<string, string>, client: number): Promise<Conn> {
  return opening((ok, fail) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      fail(new Error(`upgrade ${url} → ${res.statusCode}`));
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const t = performance.now();
      const frame = JSON.parse(String(data)) as Payload & { type: string };
      if (frame.type !== "unread") return;
      received(frame, t, client);
      ok(() => ws.terminate());
    });
    ws.on("error", (e) => fail(e));
    return () => ws.terminate();
  });
}

/**
 * A socket.io-client socket on its own connection (`forceNew`), WebSocket transport only (no HTTP
 * long-polling first, no upgrade), no reconnection; `unread` events carry the payload.
 */
export function openSocketIo(baseUrl: string, key: string, client: number): Promise<Conn> {
  return opening((ok, fail) => {
    const socket = io(baseUrl, { transports: ["websocket"], query: { u: key }, forceNew: true, reconnection: false, timeout: EVENT_TIMEOUT_MS });
    socket.on("unread", (payload: Payload) => {
      received(payload, performance.now(), client);
      ok(() => socket.disconnect());
    });
    socket.on("connect_error", (e) => fail(e));
    return () => socket.disconnect();
  });
}

export type PollQuery = { cursor: string | null; unread: number | null; timeout: number };
type PollAnswer = { events: Payload[]; cursor: string };

/** Long-poll traffic while measuring (all clients). */
export const longPollStats = { answers: 0, withEvents: 0, empty: 0, errors: 0 };

/**
 * A long-poll loop: GET, read the events, GET again at once from the returned cursor (with the count
 * it now shows). The first GET has no cursor and is answered at once with the state: the open.
 * `firstHoldS`: the timeout of the first held poll, so that N clients opened together do not all time
 * out together (later polls ask for LONGPOLL_TIMEOUT_S, as the browser does).
 */
export function openLongPoll(baseUrl: string, pathFor: (q: PollQuery) => string, headers: Record<string, string>, firstHoldS: number, client: number): Promise<Conn> {
  let closed = false;
  let current: http.ClientRequest | undefined;
  const close = () => {
    closed = true;
    current?.destroy();
  };
  return opening((ok, fail) => {
    let opened = false;
    let cursor: string | null = null;
    let unread: number | null = null;
    let holds = 0;
    const again = (ms: number) => {
      if (closed) return;
      if (ms) setTimeout(poll, ms);
      else setImmediate(poll); // lets the agent take back the socket first, so the next GET reuses it
    };
    function poll() {
      if (closed) return;
      const timeout = cursor === null ? LONGPOLL_TIMEOUT_S : holds++ === 0 ? firstHoldS : LONGPOLL_TIMEOUT_S;
      let done = false;
      const broken = (e: Error) => {
        if (done || closed) return;
        done = true;
        if (!opened) return fail(e);
        longPollStats.errors++;
        again(200);
      };
      const req = http.get(baseUrl + pathFor({ cursor, unread, timeout }), { agent: keepAliveAgent, headers: { accept: "application/json", ...headers } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return broken(new Error(`GET poll → ${res.statusCode}`));
        }
        res.setEncoding("utf8");
        let body = "";
        res.on("data", (chunk: string) => (body += chunk));
        res.on("error", (e) => broken(e));
        res.on("end", () => {
          if (done || closed) return;
          done = true;
          const answer = JSON.parse(body) as PollAnswer;
          const t = performance.now();
          longPollStats.answers++;
          if (answer.events.length) longPollStats.withEvents++;
          else longPollStats.empty++;
          for (const e of answer.events) {
            received(e, t, client);
            unread = e.unreadCount;
          }
          cursor = answer.cursor;
          if (!opened) {
            opened = true;
            ok(close);
          }
          again(0);
        });
      });
      current = req;
      req.on("error", (e) => broken(e));
    }
    poll();
    return close;
  });
}

export function pollQuery(q: PollQuery): string {
  const s = new URLSearchParams({ timeout: String(q.timeout) });
  if (q.cursor !== null) s.set("cursor", q.cursor);
  if (q.unread !== null) s.set("unread", String(q.unread));
  return s.toString();
}
