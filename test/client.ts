// A cookie-keeping HTTP client that signs in the way a browser does (csrf → credentials
// callback), and a real EventSource on the same cookies.
import { EventSource } from "eventsource";
import { randomUUID } from "node:crypto";
import { WebSocket } from "ws";

export const DEMO_PASSWORD = "demo1234";

export class TestClient {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async fetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const res = await fetch(this.baseUrl + path, { ...init, headers, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<boolean> {
    const csrf = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, email, password, json: "true" }).toString(),
    });
    return [...this.cookies.keys()].some((k) => k.endsWith("next-auth.session-token"));
  }

  /** Signs up a fresh user and signs in as them. */
  async signUpFresh(prefix = "user"): Promise<{ id: string; email: string; name: string }> {
    const email = `${prefix}-${randomUUID().slice(0, 8)}@test.example`;
    const res = await this.fetch("/api/signup", { method: "POST", json: { email, password: "password123", name: prefix } });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
    const user = (await res.json()) as { id: string; email: string; name: string };
    if (!(await this.signIn(email, "password123"))) throw new Error("sign-in after signup failed");
    return user;
  }

  /** A real WebSocket on this client's cookies, from our own origin unless told otherwise. */
  webSocket(path = "/api/realtime/ws", headers: Record<string, string> = {}): WebSocket {
    const url = this.baseUrl.replace(/^http/, "ws") + path;
    return new WebSocket(url, { headers: { cookie: this.cookieHeader(), origin: this.baseUrl, ...headers } });
  }

  eventSource(path = "/api/realtime/sse"): EventSource {
    const cookie = this.cookieHeader();
    return new EventSource(this.baseUrl + path, {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, cookie } }),
    });
  }
}

export type UnreadPayload = {
  unreadCount: number;
  cursor: string;
  notification?: { id: string; kind: string; title: string; body: string; link: string | null; createdAt: string; readAt: string | null };
};

/** Collects `unread` events from an EventSource; `next(pred)` waits for a matching one. */
export function collect(es: EventSource) {
  return collectFrom((push) => es.addEventListener("unread", (e) => push(JSON.parse(e.data) as UnreadPayload)));
}

/** The payload of a WebSocket `unread` frame (`{type: "unread", ...payload}`); undefined for any other frame. */
export function unreadFrame(data: Buffer): UnreadPayload | undefined {
  const { type, ...payload } = JSON.parse(data.toString()) as UnreadPayload & { type: string };
  return type === "unread" ? payload : undefined;
}

/** Collects `unread` frames from a WebSocket. */
export function collectWs(ws: WebSocket) {
  return collectFrom((push) =>
    ws.on("message", (data: Buffer) => {
      const payload = unreadFrame(data);
      if (payload) push(payload);
    }),
  );
}

function collectFrom(subscribe: (push: (payload: UnreadPayload) => void) => void) {
  const events: UnreadPayload[] = [];
  const waiters: Array<{ pred: (e: UnreadPayload) => boolean; resolve: (e: UnreadPayload) => void }> = [];
  subscribe((payload) => {
    events.push(payload);
    for (const w of [...waiters]) {
      if (w.pred(payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(payload);
      }
    }
  });
  return {
    events,
    next(pred: (e: UnreadPayload) => boolean = () => true, timeoutMs = 5000): Promise<UnreadPayload> {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

/** Sends a direct message from an admin client to the given emails. */
export async function sendMessage(admin: TestClient, emails: string[], title: string, body = "body"): Promise<Response> {
  return admin.fetch("/api/admin/announcements", {
    method: "POST",
    json: { title, body, audience: { type: "users", emails } },
  });
}
