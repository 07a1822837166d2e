// Live clients that behave like the browser's connection manager: each collects every `unread` event
// across reconnects, counts its drops, and after a drop reconnects (through whatever balancer or proxy
// its TestClient points at) from its cursor. And `until`, the tests' wait for them.
import { EventSource } from "eventsource";
import { type TestClient, type UnreadPayload, unreadFrame } from "./client";

/** Checks every 100 ms until `check` holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type LiveClient = {
  /** Every `unread` event received, in arrival order, across reconnects. */
  events: UnreadPayload[];
  /** How many times the connection dropped (for long-poll: how many polls failed). */
  drops(): number;
  /** The titles of the notifications received, in arrival order. */
  titles(): string[];
  /** Closes the connection for good. */
  stop(): void;
};

function liveClient(events: UnreadPayload[], drops: () => number, stop: () => void): LiveClient {
  return { events, drops, titles: () => events.flatMap((e) => (e.notification ? [e.notification.title] : [])), stop };
}

/** `?cursor=` of the last event received, to resume from; nothing before the first. */
function resumeQuery(events: UnreadPayload[]): string {
  const last = events.at(-1)?.cursor;
  return last ? `?cursor=${last}` : "";
}

/**
 * What SSE and WebSocket share: `connect` opens one connection from a resume query, pushes what it
 * receives, reports each drop (`final`: it will not come back by itself) and returns its close; after a
 * final drop a new connection opens from the cursor `retryMs` later.
 */
function reconnecting(
  retryMs: number,
  connect: (query: string, push: (event: UnreadPayload) => void, dropped: (final: boolean) => void) => () => void,
): LiveClient {
  const events: UnreadPayload[] = [];
  let drops = 0;
  let stopped = false;
  let close: () => void = () => undefined;
  const open = () => {
    close = connect(resumeQuery(events), (event) => events.push(event), (final) => {
      if (stopped) return;
      drops++;
      if (final) setTimeout(open, retryMs);
    });
  };
  open();
  return liveClient(events, () => drops, () => {
    stopped = true;
    close();
  });
}

/** SSE: EventSource retries a dropped stream by itself; when a refusal (503) closes it for good, a new one opens from the cursor. */
export function liveSse(client: TestClient): LiveClient {
  return reconnecting(300, (query, push, dropped) => {
    const es = client.eventSource(`/api/realtime/sse${query}`);
    es.addEventListener("unread", (e) => push(JSON.parse(e.data) as UnreadPayload));
    es.addEventListener("error", () => dropped(es.readyState === EventSource.CLOSED));
    return () => es.close();
  });
}

/** WebSocket: reopens from the cursor whenever the socket closes. */
export function liveWs(client: TestClient): LiveClient {
  return reconnecting(200, (query, push, dropped) => {
    const ws = client.webSocket(`/api/realtime/ws${query}`);
    ws.on("message", (data: Buffer) => {
      const event = unreadFrame(data);
      if (event) push(event);
    });
    ws.on("error", () => undefined);
    ws.on("close", () => dropped(true));
    return () => ws.terminate();
  });
}

/** Long-polling: polls from the cursor of the last answer, and retries after an error or a non-200 (a 503). */
export function livePoll(client: TestClient): LiveClient & { answered(): boolean } {
  const events: UnreadPayload[] = [];
  let drops = 0;
  let cursor: string | undefined;
  let stopped = false;
  let answers = 0;
  const controller = new AbortController();
  void (async () => {
    while (!stopped) {
      try {
        const res = await client.fetch(`/api/realtime/poll?timeout=5${cursor ? `&cursor=${cursor}` : ""}`, { signal: controller.signal });
        if (res.status !== 200) throw new Error(`poll ${res.status}`);
        const body = (await res.json()) as { events: UnreadPayload[]; cursor: string };
        events.push(...body.events);
        cursor = body.cursor;
        answers++;
      } catch {
        if (stopped) break;
        drops++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  const live = liveClient(events, () => drops, () => {
    stopped = true;
    controller.abort();
  });
  return { ...live, answered: () => answers > 0 };
}
