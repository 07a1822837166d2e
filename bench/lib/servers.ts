// The servers a benchmark measures, behind one shape: ours (server.ts over the production build, via
// test/server-harness; one instance or several sharing one database and a Redis bus), the bare
// baseline (bench/bare-server.mjs: the same transports with nothing behind them) and two peers on
// Socket.IO: bench/socketio-server.mjs, from memory, and bench/socketio-store-server.ts, which stores
// every message with Prisma in a database prepared as ours is. Each runs in its own process with
// --inspect on a free loopback port, so the bench can force a GC and read its heap.
import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TestClient } from "../../test/client";
import { startServer, type TestServer } from "../../test/server-harness";
import { benchUsers, prepareDatabase, sessionCookies } from "./accounts";
import { openLongPoll, openSocketIo, openSse, openWs, pollQuery, type ClientKind, type Conn } from "./clients";
import { freePort } from "./proc";

export type ServerKind = "next" | "bare" | "socketio" | "socketio-store";

/** A send or an announcement not answered in this long fails (a saturated server), rather than waiting out fetch's 300 s. */
const POST_TIMEOUT_MS = 60_000;

export type Server = {
  kind: ServerKind;
  /** "next", "next ×2", "bare", "socket.io", "socket.io+store". */
  name: string;
  pids: number[];
  inspectPorts: number[];
  /** Which process client `i` talks to (always 0 with one). */
  instanceOf(i: number): number;
  /** Opens client `i`'s connection (0..users-1; the last few are the warm-up's); resolves at its first event. */
  open(kind: ClientKind, i: number): Promise<Conn>;
  /** Short polling: where client `i` asks for its unread count, and with what headers. */
  countUrl(i: number): string;
  headers(i: number): Record<string, string>;
  /** One message to the user behind client `i`; resolves with the HTTP status (201 when sent). */
  send(i: number, title: string): Promise<number>;
  /** One message to every connected client; resolves with the HTTP status (201 when sent). */
  broadcast(title: string): Promise<number>;
  /** Live connections the servers hold, by transport (from /api/metrics); null when they cannot say. */
  live(): Promise<Record<string, number> | null>;
  stop(): Promise<void>;
};

export type NextOptions = {
  /** Bench users besides the demo accounts. */
  users: number;
  instances: number;
  redisUrl?: string;
  /** postgres://… to run on a fresh PostgreSQL database beside that one; absent: a SQLite file. */
  postgresUrl?: string;
  /**
   * How a personal message is sent: "api", as a backend does (`POST /api/v1/notifications` with an API
   * key), or "admin", an admin's announcement to one listed user (`POST /api/admin/announcements`,
   * which also keeps the announcement's history and read count).
   */
  send: "api" | "admin";
};

function nodeOptions(inspectPort: number): string {
  return [process.env.NODE_OPTIONS, `--inspect=127.0.0.1:${inspectPort}`].filter(Boolean).join(" ");
}

export async function startNext(opts: NextOptions): Promise<Server> {
  const tUsers = performance.now();
  const users = benchUsers(opts.users);
  const database = await prepareDatabase(users, opts.postgresUrl);
  const insertedMs = performance.now() - tUsers;
  const instances: TestServer[] = [];
  const inspectPorts: number[] = [];
  try {
    for (let k = 0; k < opts.instances; k++) {
      const inspectPort = await freePort();
      // The API key's per-minute limit is a guard for production, not part of the workload.
      const env: Record<string, string> = { NODE_OPTIONS: nodeOptions(inspectPort), API_KEY_RATE_LIMIT_PER_MINUTE: "1000000" };
      if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
      // A given database: the harness neither migrates, seeds nor drops it, and every instance shares it.
      instances.push(await startServer({ dir: database.dir, databaseUrl: database.url, env }));
      inspectPorts.push(inspectPort);
    }
  } catch (e) {
    for (const s of instances) await s.stop({ keepData: true });
    await database.drop();
    throw e;
  }
  const stopAll = async () => {
    for (const s of instances) await s.stop({ keepData: true });
    await database.drop();
  };
  try {
    // Live transports answer 503 until the instance's bus is up (with Redis: the subscription confirmed).
    for (const s of instances) await healthy(s.baseUrl);
    const tCookies = performance.now();
    const cookies = await sessionCookies(users);
    const a = instances[0]!;
    const admin = new TestClient(a.baseUrl);
    if (!(await admin.signIn("admin@example.com"))) throw new Error("admin sign-in failed");
    console.log(
      `[bench] next: ${users.length} users inserted (${database.provider}) in ${Math.round(insertedMs)} ms, session cookies minted and admin signed in ` +
        `in ${Math.round(performance.now() - tCookies)} ms${opts.instances > 1 ? `; ${opts.instances} instances${opts.redisUrl ? ` on ${opts.redisUrl}` : ""}` : ""}`,
    );
    const instanceOf = (i: number) => i % instances.length;
    const base = (i: number) => instances[instanceOf(i)]!.baseUrl;
    // Browsers send Origin on a WebSocket handshake, and server.ts refuses one that is not ours.
    const headers = (i: number) => ({ cookie: cookies[i]!, origin: base(i) });
    let apiKey = "";
    if (opts.send === "api") {
      const res = await admin.fetch("/api/admin/api-keys", { method: "POST", json: { name: "bench" } });
      if (res.status !== 201) throw new Error(`creating the bench's API key → HTTP ${res.status}`);
      apiKey = ((await res.json()) as { key: string }).key;
    }
    const message = async (i: number, title: string) => {
      const res = await fetch(`${a.baseUrl}/api/v1/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ to: [users[i]!.email], title, body: "bench body" }),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      return answered(res);
    };
    const announce = async (title: string, audience: object) => {
      const res = await admin.fetch("/api/admin/announcements", { method: "POST", json: { title, body: "bench body", audience }, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
      return answered(res);
    };
    return {
      kind: "next",
      name: instances.length > 1 ? `next ×${instances.length}` : "next",
      pids: instances.map((s) => s.pid),
      inspectPorts,
      instanceOf,
      open(kind, i) {
        switch (kind) {
          case "sse":
            return openSse(`${base(i)}/api/realtime/sse`, headers(i), i);
          case "ws":
            return openWs(`${base(i).replace(/^http/, "ws")}/api/realtime/ws`, headers(i), i);
          case "longpoll":
            // First holds spread over 5..25 s: a steady trickle of timed-out polls, as with clients that came at different times.
            return openLongPoll(base(i), (q) => `/api/realtime/poll?${pollQuery(q)}`, headers(i), 5 + (i % 21), i);
          case "socketio":
            throw new Error("our server does not speak Socket.IO");
        }
      },
      countUrl: (i) => `${base(i)}/api/notifications/unread-count`,
      headers,
      // Every message goes to the first instance; with several, the others learn of it over the bus.
      send: (i, title) => (opts.send === "api" ? message(i, title) : announce(title, { type: "users", emails: [users[i]!.email] })),
      broadcast: (title) => announce(title, { type: "all" }),
      async live() {
        const out: Record<string, number> = {};
        for (const s of instances) {
          const res = await fetch(`${s.baseUrl}/api/metrics`, { headers: { cookie: admin.cookieHeader() } });
          if (res.status !== 200) return null;
          for (const m of (await res.text()).matchAll(/^notif_live_connections\{transport="(\w+)"\} (\d+)/gm)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
        }
        return out;
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Waits until GET /api/health answers 200 (database and bus up), for at most 30 s. */
async function healthy(baseUrl: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  let last = "";
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${baseUrl}/api/health did not answer 200 within 30 s (last: ${last})`);
}

/**
 * Spawns `node --inspect=… <script>` (a .ts script: `node --inspect=… --import tsx <script>`, from the
 * repository's root so tsx finds tsconfig.json) with `env` added to ours, and resolves once it prints
 * "ready on http://…".
 */
async function startScript(script: string, env: Record<string, string> = {}): Promise<{ pid: number; inspectPort: number; baseUrl: string; stop(): Promise<void> }> {
  const inspectPort = await freePort();
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, ...loader, path.join(__dirname, "..", script)], {
    cwd: path.join(__dirname, "..", ".."),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr.pipe(process.stderr);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}): ${out}`)));
  });
  return {
    pid: child.pid!,
    inspectPort,
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function postJson(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
  return answered(res);
}

/** The status; a refusal is printed with the start of its body (why a run failed is in it). */
async function answered(res: Response): Promise<number> {
  const text = await res.text();
  if (res.status >= 400) console.error(`[bench] POST ${new URL(res.url).pathname} → ${res.status}: ${text.slice(0, 200)}`);
  return res.status;
}

export async function startBare(): Promise<Server> {
  const p = await startScript("bare-server.mjs");
  const headers = () => ({ origin: p.baseUrl });
  return {
    kind: "bare",
    name: "bare",
    pids: [p.pid],
    inspectPorts: [p.inspectPort],
    instanceOf: () => 0,
    open(kind, i) {
      switch (kind) {
        case "sse":
          return openSse(`${p.baseUrl}/sse?u=u${i}`, headers(), i);
        case "ws":
          return openWs(`${p.baseUrl.replace(/^http/, "ws")}/ws?u=u${i}`, headers(), i);
        case "longpoll":
          return openLongPoll(p.baseUrl, (q) => `/poll?u=u${i}&${pollQuery(q)}`, headers(), 5 + (i % 21), i);
        case "socketio":
          throw new Error("the bare server does not speak Socket.IO");
      }
    },
    countUrl: (i) => `${p.baseUrl}/count?u=u${i}`,
    headers,
    send: (i, title) => postJson(`${p.baseUrl}/send`, { to: [`u${i}`], title, body: "bench body" }),
    broadcast: (title) => postJson(`${p.baseUrl}/broadcast`, { title, body: "bench body" }),
    live: async () => null,
    stop: p.stop,
  };
}

/** A Socket.IO peer: clients join the room `keyOf(i)`; `/send` and `/broadcast` as both peers answer them. */
function socketIoPeer(
  p: { pid: number; inspectPort: number; baseUrl: string },
  kind: "socketio" | "socketio-store",
  keyOf: (i: number) => string,
  stop: () => Promise<void>,
): Server {
  return {
    kind,
    name: kind === "socketio" ? "socket.io" : "socket.io+store",
    pids: [p.pid],
    inspectPorts: [p.inspectPort],
    instanceOf: () => 0,
    open(client, i) {
      if (client !== "socketio") throw new Error(`the Socket.IO server speaks Socket.IO, not ${client}`);
      return openSocketIo(p.baseUrl, keyOf(i), i);
    },
    countUrl: () => {
      throw new Error("the Socket.IO server has no short-polling endpoint");
    },
    headers: () => ({}),
    send: (i, title) => postJson(`${p.baseUrl}/send`, { to: [keyOf(i)], title, body: "bench body" }),
    broadcast: (title) => postJson(`${p.baseUrl}/broadcast`, { title, body: "bench body" }),
    live: async () => null,
    stop,
  };
}

export async function startSocketIo(): Promise<Server> {
  const p = await startScript("socketio-server.mjs");
  return socketIoPeer(p, "socketio", (i) => `u${i}`, p.stop);
}

/**
 * The like-for-like peer: Socket.IO storing every message with Prisma before it emits, on a fresh
 * database holding `users` bench users (SQLite, or beside `postgresUrl`), as startNext prepares ours.
 */
export async function startSocketIoStore(users: number, postgresUrl?: string): Promise<Server> {
  const t0 = performance.now();
  const accounts = benchUsers(users);
  const database = await prepareDatabase(accounts, postgresUrl);
  console.log(`[bench] socket.io+store: ${users} users inserted (${database.provider}) in ${Math.round(performance.now() - t0)} ms`);
  const p = await startScript("socketio-store-server.ts", { DATABASE_URL: database.url }).catch(async (e: unknown) => {
    await database.drop();
    throw e;
  });
  return socketIoPeer(p, "socketio-store", (i) => accounts[i]!.id, async () => {
    await p.stop();
    await database.drop();
  });
}
