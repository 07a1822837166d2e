// RedisBus against the real Redis: delivery between instances, malformed messages, health across a
// killed or silent subscriber, and what the hub does while the bus is down. Each test has a channel
// of its own, so parallel runs never hear each other.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";
import type { NotificationRow } from "@/lib/notifications/dto";
import { describeWithServices, REDIS_TEST_URL } from "@/test/services";
import { startTcpProxy, type TcpProxy } from "@/test/tcp-proxy";
import { RecordingSink } from "@/test/recording-sink";
import { createHub, type Hub, type InboxSource } from "../hub";
import { admitLive, BUS_DOWN_RETRY_AFTER_S } from "../transports/admission";
import { longPoll, pollQuerySchema } from "../transports/poll";
import { RedisBus, type RedisBusOptions } from "./redis";
import type { BusEvent } from "./types";

/** The database side, shared by the "instances" of a test as the real one would be. */
class Store implements InboxSource {
  private rows: Array<NotificationRow & { userId: string }> = [];
  insert(userId: string, title: string): NotificationRow {
    const seq = this.rows.length + 1;
    const row = { seq, id: `n${seq}`, kind: "message", title, body: "", link: null, createdAt: new Date(), readAt: null };
    this.rows.push({ ...row, userId });
    return row;
  }
  private of(userId: string) {
    return this.rows.filter((r) => r.userId === userId);
  }
  countUnread = async (userId: string) => this.of(userId).length;
  rowsAfter = async (userId: string, seq: number, limit: number) =>
    this.of(userId)
      .filter((r) => r.seq > seq)
      .slice(0, limit)
      .map(({ userId: _u, ...row }) => row);
  latestSeq = async (userId: string) => this.of(userId).at(-1)?.seq ?? 0;
  maxSeq = async () => this.rows.length;
}

function until(check: () => void, timeout = 5000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 5 });
}

await describeWithServices(["redis"], "RedisBus (real Redis)", () => {
  let admin: Redis;
  let channel: string;
  const cleanup: Array<() => unknown> = [];

  beforeAll(() => {
    admin = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    await admin.quit();
  });
  beforeEach(() => {
    channel = `notif:test:${randomUUID()}`;
    // Connection errors and "down" reports are expected here; they are asserted where they matter.
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    vi.restoreAllMocks();
  });

  function bus(opts: Partial<RedisBusOptions> = {}): RedisBus {
    const b = new RedisBus({ url: REDIS_TEST_URL, channel, ...opts });
    cleanup.push(() => b.close());
    return b;
  }
  function hub(source: InboxSource, b: RedisBus): Hub {
    const h = createHub(source, b);
    cleanup.push(() => h.dispose());
    return h;
  }
  async function proxy(): Promise<TcpProxy> {
    const url = new URL(REDIS_TEST_URL);
    const p = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    cleanup.push(() => p.close());
    return p;
  }
  const up = (b: RedisBus) => until(() => expect(b.healthy()).toBe(true));
  const recorder = (b: RedisBus) => {
    const got: BusEvent[] = [];
    b.subscribe((e) => got.push(e));
    return got;
  };
  /**
   * Published straight to Redis once the events before it have been seen by one subscriber: Redis
   * sends every subscriber the same order, so when a bus has heard the fence, it has heard (or
   * dropped) everything published before it.
   */
  const fence = (): BusEvent => ({ type: "inbox", userIds: [`fence-${randomUUID()}`] });
  const publishRaw = (message: unknown) => admin.publish(channel, typeof message === "string" ? message : JSON.stringify(message));
  async function subscriberId(b: RedisBus): Promise<string> {
    const list = (await admin.client("LIST")) as string;
    const line = list.split("\n").find((l) => l.includes(` name=notif-bus-sub-${process.pid}-${b.instanceId.slice(0, 8)} `));
    const id = line && /^id=(\d+) /.exec(line)?.[1];
    if (!id) throw new Error(`no subscriber connection for ${b.instanceId}`);
    return id;
  }

  it("delivers every event once to each instance, the publisher's own included", async () => {
    const a = bus();
    const b = bus();
    await Promise.all([up(a), up(b)]);
    const gotA = recorder(a);
    const gotB = recorder(b);
    const fromA: BusEvent = { type: "inbox", userIds: ["u1", "u2"] };
    const row = { seq: 7, id: "n7", kind: "announcement", title: "Hi", body: "**all**", link: null, createdAt: new Date(0).toISOString() };
    const fromB: BusEvent = { type: "audience", role: null, row };
    a.publish(fromA);
    b.publish(fromB);
    await until(() => expect(gotA).toHaveLength(2));
    await until(() => expect(gotB).toHaveLength(2));

    const f = fence();
    await publishRaw({ from: "fence", event: f });
    await until(() => expect(gotA.at(-1)).toEqual(f));
    await until(() => expect(gotB.at(-1)).toEqual(f));
    // The own event arrived once (locally, first); its echo from Redis was dropped.
    expect(gotA).toEqual([fromA, fromB, f]);
    expect(gotB).toEqual([fromB, fromA, f]);
  });

  it("ignores malformed messages, logs them at most once a minute, and keeps delivering", async () => {
    const a = bus();
    await up(a);
    const got = recorder(a);
    const warn = vi.mocked(console.warn);
    warn.mockClear();
    await publishRaw("not json");
    await publishRaw({ from: "x", event: { type: "inbox", userIds: "u1" } });
    await publishRaw({ from: "x", event: { type: "party" } });
    await publishRaw({ event: { type: "inbox", userIds: ["u1"] } });
    await publishRaw({ from: "x", event: { type: "audience", role: null, row: { seq: "1" } } });
    const f = fence();
    await publishRaw({ from: "y", event: f });
    await until(() => expect(got).toEqual([f]));
    const malformed = warn.mock.calls.filter((c) => String(c[0]).includes("malformed"));
    expect(malformed).toHaveLength(1);
    expect(String(malformed[0]![0])).toContain("not JSON");
  });

  it("is unhealthy from the moment the subscriber is killed until Redis confirms the new subscription", async () => {
    const a = bus();
    const b = bus();
    await Promise.all([up(a), up(b)]);
    const changes: boolean[] = [];
    const subscribersWhenHealthy: Array<Promise<unknown>> = [];
    a.onHealthChange((h) => {
      changes.push(h);
      if (h) subscribersWhenHealthy.push(admin.pubsub("NUMSUB", channel));
    });
    await admin.client("KILL", "ID", await subscriberId(a));
    await until(() => expect(changes).toEqual([false, true]));
    expect(a.healthy()).toBe(true);
    // Healthy again only once the subscription is in place: Redis already counts it.
    expect(await subscribersWhenHealthy[0]).toEqual([channel, 2]);
    const got = recorder(a);
    b.publish({ type: "inbox", userIds: ["after"] });
    await until(() => expect(got).toEqual([{ type: "inbox", userIds: ["after"] }]));
  });

  it("notices a subscriber that went silent (half-open connection) through its heartbeat", async () => {
    const p = await proxy();
    const a = bus({ url: `redis://127.0.0.1:${p.port}`, heartbeatMs: 50, socketTimeoutMs: 200 });
    await up(a);
    p.stall();
    await until(() => expect(a.healthy()).toBe(false));
    p.restore();
    await up(a);
  });

  it("starts unhealthy while Redis is unreachable, and turns healthy when it can subscribe", async () => {
    const p = await proxy();
    p.cut();
    const a = bus({ url: `redis://127.0.0.1:${p.port}` });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.healthy()).toBe(false);
    p.restore();
    await up(a);
  });

  it("hub: ends live connections when the bus goes down, refuses new ones until it is back, then they resume from their cursors", async () => {
    const p = await proxy();
    const here = bus({ url: `redis://127.0.0.1:${p.port}` });
    const elsewhere = bus();
    await Promise.all([up(here), up(elsewhere)]);
    const store = new Store();
    const first = store.insert("alice", "first");
    const h = hub(store, here);

    const stream = new RecordingSink();
    h.connect("alice", null, "sse", stream);
    await until(() => expect(stream.events).toEqual([{ unreadCount: 1, cursor: String(first.seq) }]));
    const query = pollQuerySchema.parse({ cursor: String(first.seq), unread: "1", timeout: "30" });
    const held = longPoll(h, "alice", query, new AbortController().signal).then(
      () => null,
      (e: unknown) => e,
    );
    expect(h.connectionCount()).toBe(2);

    p.cut();
    await until(() => expect(here.healthy()).toBe(false));
    // Every live connection was told to reconnect: the stream ended, the held poll answers 503.
    expect(stream.closed).toBe(1);
    expect(h.connectionCount()).toBe(0);
    const refusedPoll = await held;
    expect(refusedPoll).toBeInstanceOf(AppError);
    expect(refusedPoll).toMatchObject({ status: 503, code: "unavailable", headers: { "Retry-After": "1" } });

    // New live connections are refused while it is down (the client polls the database meanwhile)...
    let refused: unknown;
    try {
      admitLive(h, "alice");
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ status: 503, code: "unavailable", headers: { "Retry-After": String(BUS_DOWN_RETRY_AFTER_S) } });
    // ...and one that got past the gate just before is ended at once, having been sent nothing.
    const late = new RecordingSink();
    h.connect("alice", first.seq, "ws", late);
    await until(() => expect(late.closed).toBe(1));
    expect(late.events).toEqual([]);
    expect(h.connectionCount()).toBe(0);

    // Another instance writes and publishes: this one cannot hear it.
    const missed = store.insert("alice", "while the bus was down");
    elsewhere.publish({ type: "inbox", userIds: ["alice"] });

    p.restore();
    await up(here);
    expect(() => admitLive(h, "alice")).not.toThrow();
    const resumed = new RecordingSink();
    h.connect("alice", first.seq, "sse", resumed);
    await until(() => expect(resumed.events.at(-1)).toEqual({ unreadCount: 2, cursor: String(missed.seq) }));
    expect(resumed.notificationIds()).toEqual([missed.id]);

    // And live from the other instance again.
    const after = store.insert("alice", "after");
    elsewhere.publish({ type: "inbox", userIds: ["alice"] });
    await until(() => expect(resumed.notificationIds()).toEqual([missed.id, after.id]));
  });
});
