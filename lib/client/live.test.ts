import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FIRST_EVENT_TIMEOUT_MS, LiveClient, WS_FIRST_ORDER } from "./live";
import { type OpenOptions, type Opener, type Transport, type TransportCallbacks, TRANSPORTS } from "./transports";

type Opened = { transport: Transport; opts: OpenOptions; cb: TransportCallbacks; closed: boolean };

/** Openers that record what the manager opens; the test plays the network. */
function fakeNetwork() {
  const opened: Opened[] = [];
  const openers = Object.fromEntries(
    TRANSPORTS.map((transport): [Transport, Opener] => [
      transport,
      (opts, cb) => {
        // A transport that ends on its own is closed, as the real openers are.
        const o: Opened = { transport, opts, cb: { ...cb, ended: (r) => ((o.closed = true), cb.ended(r)) }, closed: false };
        opened.push(o);
        return { close: () => void (o.closed = true) };
      },
    ]),
  ) as Record<Transport, Opener>;
  return {
    opened,
    openers,
    last: () => opened.at(-1)!,
    live: () => opened.filter((o) => !o.closed),
  };
}

const ev = (unreadCount: number, cursor: string) => ({ unreadCount, cursor });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("LiveClient", () => {
  it("stays on SSE when it delivers, and keeps the count and cursor it was sent", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    const events: unknown[] = [];
    client.onEvent((e) => events.push(e));
    client.start();
    expect(net.last().transport).toBe("sse");
    net.last().cb.event(ev(2, "7"));
    vi.advanceTimersByTime(FIRST_EVENT_TIMEOUT_MS * 3);
    expect(net.opened).toHaveLength(1);
    expect(client.getSnapshot()).toMatchObject({ status: "live", transport: "sse", unreadCount: 2, cursor: "7" });
    expect(events).toEqual([ev(2, "7")]);
  });

  it("gives up a transport that says nothing (a buffering proxy) for long-polling, from the same cursor, never two at once", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    client.seed({ cursor: "41", unreadCount: 3 });
    client.start();
    expect(net.last().transport).toBe("sse");
    vi.advanceTimersByTime(FIRST_EVENT_TIMEOUT_MS + 1);
    expect(net.opened.map((o) => o.transport)).toEqual(["sse", "longpoll"]);
    expect(net.opened[0]!.closed).toBe(true);
    expect(net.live()).toHaveLength(1);
    expect(net.last().opts).toMatchObject({ cursor: "41", unreadCount: 3 });
    net.last().cb.alive();
    expect(client.getSnapshot()).toMatchObject({ status: "live", transport: "longpoll" });
  });

  it("moves on at once when a transport is refused, down to short polling", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    client.start();
    net.last().cb.ended("failed");
    net.last().cb.ended("failed");
    expect(net.opened.map((o) => o.transport)).toEqual(["sse", "longpoll", "poll"]);
    expect(net.live()).toHaveLength(1);
  });

  it("retries the better transport later from a fallback, and goes back down if it still fails", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    client.start();
    net.last().cb.ended("failed"); // SSE refused
    net.last().cb.event(ev(0, "5")); // long-polling works
    expect(client.getSnapshot().transport).toBe("longpoll");
    vi.advanceTimersByTime(25_000); // 30 s jittered to 22.5 s here
    expect(net.last().transport).toBe("sse");
    expect(net.last().opts.cursor).toBe("5");
    expect(net.live()).toHaveLength(1);
    vi.advanceTimersByTime(FIRST_EVENT_TIMEOUT_MS); // still buffered
    expect(net.last().transport).toBe("longpoll");
    net.last().cb.alive();
    // The next attempt waits longer (30 s doubled, jittered to 45 s here).
    vi.advanceTimersByTime(40_000);
    expect(net.last().transport).toBe("longpoll");
    vi.advanceTimersByTime(6_000);
    expect(net.last().transport).toBe("sse");
  });

  it("reconnects a dropped transport that worked, with backoff, from the newest cursor", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    client.start();
    net.last().cb.event(ev(1, "10"));
    net.last().cb.event(ev(2, "11"));
    net.last().cb.ended("failed");
    expect(client.getSnapshot().status).toBe("reconnecting");
    expect(net.live()).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    expect(net.last()).toMatchObject({ transport: "sse", opts: { cursor: "11", unreadCount: 2 } });
  });

  it("with a forced transport, only ever opens that one", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, preference: "ws", random: () => 0.5 });
    client.start();
    for (let i = 0; i < 5; i++) {
      net.last().cb.ended("failed");
      vi.advanceTimersByTime(60_000);
    }
    expect(new Set(net.opened.map((o) => o.transport))).toEqual(new Set(["ws"]));
    expect(net.opened.length).toBeGreaterThan(3);
  });

  it("puts WebSocket first when configured, and switches transport at once when the user picks one", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, autoOrder: WS_FIRST_ORDER, random: () => 0.5 });
    client.start();
    expect(net.last().transport).toBe("ws");
    net.last().cb.event(ev(0, "3"));
    client.setPreference("poll");
    expect(net.opened[0]!.closed).toBe(true);
    expect(net.last()).toMatchObject({ transport: "poll", opts: { cursor: "3" } });
    expect(client.getSnapshot().preference).toBe("poll");
  });

  it("ignores what a closed connection says", () => {
    const net = fakeNetwork();
    const client = new LiveClient({ openers: net.openers, random: () => 0.5 });
    client.start();
    const first = net.last();
    vi.advanceTimersByTime(FIRST_EVENT_TIMEOUT_MS + 1);
    first.cb.event(ev(9, "99"));
    first.cb.ended("failed");
    expect(client.getSnapshot()).toMatchObject({ unreadCount: null, cursor: null, transport: "longpoll" });
    expect(net.opened).toHaveLength(2);
  });

  it("stops and reports a lost session", () => {
    const net = fakeNetwork();
    const onUnauthorized = vi.fn();
    const client = new LiveClient({ openers: net.openers, onUnauthorized, random: () => 0.5 });
    client.start();
    net.last().cb.ended("unauthorized");
    expect(onUnauthorized).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(120_000);
    expect(net.opened).toHaveLength(1);
  });

  it("asks whether the session is still there when an EventSource keeps failing", async () => {
    const net = fakeNetwork();
    const onUnauthorized = vi.fn();
    const checkSignedIn = vi.fn(async () => false);
    const client = new LiveClient({ openers: net.openers, preference: "sse", onUnauthorized, checkSignedIn, random: () => 0.5 });
    client.start();
    for (let i = 0; i < 4 && !onUnauthorized.mock.calls.length; i++) {
      net.last().cb.ended("failed");
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(checkSignedIn).toHaveBeenCalled();
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
});
