import { AsyncLocalStorage } from "node:async_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NotificationRow, UnreadEvent } from "@/lib/notifications/dto";
import { RecordingSink } from "@/test/recording-sink";
import { MemoryBus } from "./bus/memory";
import { BROADCAST_CHUNK, type BroadcastReads, createHub, Hub, type HubObserver, type InboxSource, REPLAY_BATCH, type Sink } from "./hub";

type Row = NotificationRow & { userId: string };

/** An in-memory store: seq is global and increasing, like the database's autoincrement. */
class FakeSource implements InboxSource {
  rows: Row[] = [];
  private nextSeq = 1;
  /** Calls per user currently in flight, and the highest that was ever reached. */
  inFlight = new Map<string, number>();
  maxInFlight = new Map<string, number>();
  /** Set to make every read wait a macrotask, so flushes overlap with publishes. */
  slow = false;
  fail: Error | null = null;
  /** Every read so far (counts, rows, seqs). */
  reads = 0;

  insert(userId: string, over: Partial<NotificationRow> = {}): Row {
    const seq = this.nextSeq++;
    const row: Row = {
      seq,
      id: `n${seq}`,
      kind: "message",
      title: `Title ${seq}`,
      body: `Body ${seq}`,
      link: null,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, seq % 60)),
      readAt: null,
      userId,
      ...over,
    };
    this.rows.push(row);
    return row;
  }

  markRead(id: string): void {
    const row = this.rows.find((r) => r.id === id);
    if (row) row.readAt = new Date(Date.UTC(2024, 1, 1));
  }

  private async enter<T>(userId: string | null, f: () => T): Promise<T> {
    this.reads++;
    if (userId) {
      const n = (this.inFlight.get(userId) ?? 0) + 1;
      this.inFlight.set(userId, n);
      this.maxInFlight.set(userId, Math.max(n, this.maxInFlight.get(userId) ?? 0));
    }
    try {
      if (this.slow) await new Promise((r) => setTimeout(r, 1));
      else await Promise.resolve();
      if (this.fail) throw this.fail;
      return f();
    } finally {
      if (userId) this.inFlight.set(userId, (this.inFlight.get(userId) ?? 1) - 1);
    }
  }

  countUnread(userId: string): Promise<number> {
    return this.enter(userId, () => this.rows.filter((r) => r.userId === userId && r.readAt === null).length);
  }

  rowsAfter(userId: string, seq: number, limit: number): Promise<NotificationRow[]> {
    return this.enter(userId, () =>
      this.rows
        .filter((r) => r.userId === userId && r.seq > seq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map(({ userId: _u, ...row }) => ({ ...row })),
    );
  }

  latestSeq(userId: string): Promise<number> {
    return this.enter(userId, () => this.rows.filter((r) => r.userId === userId).reduce((m, r) => Math.max(m, r.seq), 0));
  }

  maxSeq(): Promise<number> {
    return this.enter(null, () => this.rows.reduce((m, r) => Math.max(m, r.seq), 0));
  }
}

/** Lets every pending microtask and 1 ms timer settle, so "nothing more arrives" can be asserted. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

/** vi.waitFor, polling every millisecond instead of every 50. */
function until<T>(check: () => T): Promise<T> {
  return vi.waitFor(check, { interval: 1, timeout: 2000 });
}

/** A MemoryBus whose health the test sets. */
class FlakyBus extends MemoryBus {
  private up = true;
  private readonly listeners = new Set<(healthy: boolean) => void>();
  set(up: boolean): void {
    this.up = up;
    for (const l of this.listeners) l(up);
  }
  override healthy(): boolean {
    return this.up;
  }
  override onHealthChange(listener: (healthy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

let hubs: Hub[] = [];
function setup(source = new FakeSource()) {
  const bus = new MemoryBus();
  const hub = createHub(source, bus);
  hubs.push(hub);
  return { source, bus, hub };
}

afterEach(() => {
  for (const h of hubs) h.dispose();
  hubs = [];
});

describe("Hub: connect", () => {
  it("sends the current state first, with the user's latest seq as cursor", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    source.insert("bob");
    const a2 = source.insert("alice");
    source.markRead(a2.id);
    source.insert("alice");
    source.insert("bob"); // seq 5: newer, but not alice's
    const sink = new RecordingSink();
    hub.connect("alice", null, "sse", sink);

    await until(() => expect(sink.events.length).toBe(1));
    expect(sink.events[0]).toEqual({ unreadCount: 2, cursor: "4" });
    await settle();
    expect(sink.events).toHaveLength(1);
  });

  it("gives cursor 0 and count 0 to a user without notifications", async () => {
    const { source, hub } = setup();
    source.insert("bob");
    const sink = new RecordingSink();
    hub.connect("carol", null, "poll", sink);
    await until(() => expect(sink.events).toEqual([{ unreadCount: 0, cursor: "0" }]));
  });

  it("replays every newer row once, in seq order, then sends the state", async () => {
    const { source, hub } = setup();
    const a1 = source.insert("alice");
    source.insert("bob");
    const a3 = source.insert("alice");
    const a4 = source.insert("alice");
    source.insert("bob");
    const a6 = source.insert("alice");
    source.markRead(a4.id);
    const sink = new RecordingSink();
    hub.connect("alice", a1.seq, "sse", sink);

    await until(() => expect(sink.events).toHaveLength(4));
    expect(sink.notificationIds()).toEqual([a3.id, a4.id, a6.id]);
    expect(sink.events.map((e) => e.cursor)).toEqual([String(a3.seq), String(a4.seq), String(a6.seq), String(a6.seq)]);
    expect(sink.events.every((e) => e.unreadCount === 3)).toBe(true);
    expect(sink.last).toEqual({ unreadCount: 3, cursor: String(a6.seq) });
    // The notification payload is the contract's shape.
    expect(sink.events[1]!.notification).toEqual({
      id: a4.id,
      kind: "message",
      title: a4.title,
      body: a4.body,
      link: null,
      createdAt: a4.createdAt.toISOString(),
      readAt: a4.readAt!.toISOString(),
    });
    await settle();
    expect(sink.events).toHaveLength(4);
  });

  it("sends only the state when the cursor is current", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const a2 = source.insert("alice");
    const sink = new RecordingSink();
    hub.connect("alice", a2.seq, "ws", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    expect(sink.events[0]).toEqual({ unreadCount: 2, cursor: String(a2.seq) });
  });

  it(`delivers a replay larger than REPLAY_BATCH (${REPLAY_BATCH}) completely`, async () => {
    const { source, hub } = setup();
    const total = REPLAY_BATCH * 2 + 37;
    const ids: string[] = [];
    for (let i = 0; i < total; i++) ids.push(source.insert("alice").id);
    const sink = new RecordingSink();
    hub.connect("alice", 0, "sse", sink);

    await until(() => expect(sink.notificationIds()).toHaveLength(total));
    await settle();
    expect(sink.notificationIds()).toEqual(ids);
    const seqs = sink.events.map((e) => Number(e.cursor));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // cursors never go backwards
    // One state event, after the whole replay.
    expect(sink.events).toHaveLength(total + 1);
    expect(sink.last).toEqual({ unreadCount: total, cursor: String(total) });
  });

  it("treats a cursor above maxSeq() as fresh", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const a2 = source.insert("alice");
    const sink = new RecordingSink();
    hub.connect("alice", 9999, "sse", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    expect(sink.events[0]).toEqual({ unreadCount: 2, cursor: String(a2.seq) });

    // ...and from there on it is live like any other connection.
    const a3 = source.insert("alice");
    hub.publish(["alice"]);
    await until(() => expect(sink.events).toHaveLength(2));
    expect(sink.events[1]!.notification?.id).toBe(a3.id);
    expect(sink.events[1]!.cursor).toBe(String(a3.seq));
  });

  it("keeps a cursor equal to maxSeq() (issued by this store)", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const b = source.insert("bob");
    const sink = new RecordingSink();
    hub.connect("alice", b.seq, "sse", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    // Alice's latest seq is 1, but the client's cursor 2 is valid and kept.
    expect(sink.events[0]).toEqual({ unreadCount: 1, cursor: String(b.seq) });
  });
});

describe("Hub: live delivery", () => {
  it("delivers a new notification with the count after publish", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const sink = new RecordingSink();
    hub.connect("alice", null, "sse", sink);
    await until(() => expect(sink.events).toHaveLength(1));

    const row = source.insert("alice", { kind: "announcement", link: "/x" });
    hub.publish(["alice"]);
    await until(() => expect(sink.events).toHaveLength(2));
    expect(sink.events[1]).toEqual({
      unreadCount: 2,
      cursor: String(row.seq),
      notification: expect.objectContaining({ id: row.id, kind: "announcement", link: "/x", readAt: null }),
    });
    await settle();
    expect(sink.events).toHaveLength(2);
  });

  it("delivers once to each of the user's connections and nothing to other users", async () => {
    const { source, hub } = setup();
    const a1 = new RecordingSink();
    const a2 = new RecordingSink();
    const a3 = new RecordingSink();
    const b = new RecordingSink();
    hub.connect("alice", null, "sse", a1);
    hub.connect("alice", null, "ws", a2);
    hub.connect("alice", 0, "poll", a3);
    hub.connect("bob", null, "sse", b);
    expect(hub.connectionsOf("alice")).toBe(3);
    expect(hub.connectionCount()).toBe(4);
    expect(hub.connectionCount("sse")).toBe(2);
    await until(() => {
      for (const s of [a1, a2, a3, b]) expect(s.events).toHaveLength(1);
    });

    const row = source.insert("alice");
    hub.publish(["alice", "alice"]);
    await until(() => {
      for (const s of [a1, a2, a3]) expect(s.events).toHaveLength(2);
    });
    await settle();
    for (const s of [a1, a2, a3]) {
      expect(s.events).toHaveLength(2);
      expect(s.notificationIds()).toEqual([row.id]);
      expect(s.last).toMatchObject({ unreadCount: 1, cursor: String(row.seq) });
    }
    expect(b.events).toEqual([{ unreadCount: 0, cursor: "0" }]);
  });

  it("does not flush users who were not named in the publish", async () => {
    const { source, hub } = setup();
    const b = new RecordingSink();
    hub.connect("bob", null, "sse", b);
    await until(() => expect(b.events).toHaveLength(1));
    source.insert("alice");
    hub.publish(["alice"]);
    hub.publish([]);
    await settle();
    expect(b.events).toHaveLength(1);
  });

  it("coalesces a burst: one flush at a time per user, every row exactly once, in order", async () => {
    const source = new FakeSource();
    source.slow = true;
    const { hub } = setup(source);
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const s of sinks) hub.connect("alice", null, "sse", s);
    await until(() => {
      for (const s of sinks) expect(s.events).toHaveLength(1);
    });

    source.maxInFlight.clear();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push(source.insert("alice").id);
      hub.publish(["alice"]);
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1)); // let some flushes start mid-burst
    }
    await until(() => {
      for (const s of sinks) expect(s.notificationIds()).toHaveLength(50);
    });
    await settle();
    await new Promise((r) => setTimeout(r, 10));
    for (const s of sinks) {
      expect(s.notificationIds()).toEqual(ids);
      expect(s.last).toMatchObject({ unreadCount: 50, cursor: "50" });
    }
    expect(source.maxInFlight.get("alice")).toBeLessThanOrEqual(2); // one flush reads count + rows together
    // Coalesced: far fewer events than one per publish per row would give.
    expect(sinks[0]!.events.length).toBeLessThan(1 + 50 + 50);
  });

  it("never runs two flushes of one user at once", async () => {
    const source = new FakeSource();
    source.slow = true;
    const { hub } = setup(source);
    let countCalls = 0;
    const orig = source.countUnread.bind(source);
    let concurrentCounts = 0;
    let maxConcurrentCounts = 0;
    source.countUnread = async (u) => {
      countCalls++;
      concurrentCounts++;
      maxConcurrentCounts = Math.max(maxConcurrentCounts, concurrentCounts);
      try {
        return await orig(u);
      } finally {
        concurrentCounts--;
      }
    };
    const sink = new RecordingSink();
    hub.connect("alice", null, "sse", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    countCalls = 0;
    for (let i = 0; i < 20; i++) {
      source.insert("alice");
      hub.publish(["alice"]);
    }
    await until(() => expect(sink.notificationIds()).toHaveLength(20));
    await settle();
    expect(maxConcurrentCounts).toBe(1);
    expect(countCalls).toBeGreaterThan(0);
    expect(countCalls).toBeLessThan(20); // the burst was coalesced
  });

  it("sends a state event to every connection on a count-only change", async () => {
    const { source, hub } = setup();
    const r1 = source.insert("alice");
    source.insert("alice");
    const s1 = new RecordingSink();
    const s2 = new RecordingSink();
    hub.connect("alice", null, "sse", s1);
    hub.connect("alice", null, "ws", s2);
    await until(() => {
      expect(s1.events).toHaveLength(1);
      expect(s2.events).toHaveLength(1);
    });

    source.markRead(r1.id);
    hub.publish(["alice"]);
    await until(() => {
      expect(s1.events).toHaveLength(2);
      expect(s2.events).toHaveLength(2);
    });
    for (const s of [s1, s2]) expect(s.last).toEqual({ unreadCount: 1, cursor: "2" });

    // A change that keeps the count (e.g. deleting a read item) still reaches everyone.
    source.rows = source.rows.filter((r) => r.id !== r1.id);
    hub.publish(["alice"]);
    await until(() => {
      expect(s1.events).toHaveLength(3);
      expect(s2.events).toHaveLength(3);
    });
    for (const s of [s1, s2]) expect(s.last).toEqual({ unreadCount: 1, cursor: "2" });
  });

  it("stops delivering after disconnect", async () => {
    const { source, hub } = setup();
    const gone = new RecordingSink();
    const stays = new RecordingSink();
    const conn = hub.connect("alice", null, "sse", gone);
    hub.connect("alice", null, "sse", stays);
    await until(() => expect(gone.events).toHaveLength(1));
    hub.disconnect(conn);
    expect(conn.closed).toBe(true);
    expect(hub.connectionsOf("alice")).toBe(1);

    source.insert("alice");
    hub.publish(["alice"]);
    await until(() => expect(stays.events).toHaveLength(2));
    await settle();
    expect(gone.events).toHaveLength(1);
    expect(gone.closed).toBe(0); // disconnect is the transport's own close: the hub does not call back

    hub.disconnect(conn); // idempotent
    expect(hub.connectionsOf("alice")).toBe(1);
  });

  it("opening another connection for a user sends nothing to the user's existing connections", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const first = new RecordingSink();
    hub.connect("alice", null, "poll", first);
    // Connected in the same tick, and later: neither is an inbox change.
    const second = new RecordingSink();
    hub.connect("alice", null, "sse", second);
    await until(() => expect([first.events.length, second.events.length]).toEqual([1, 1]));
    const third = new RecordingSink();
    hub.connect("alice", 0, "ws", third);
    await until(() => expect(third.events).toHaveLength(2));
    await settle();
    expect(first.events).toEqual([{ unreadCount: 1, cursor: "1" }]);
    expect(second.events).toEqual([{ unreadCount: 1, cursor: "1" }]);
  });

  it("a fresh connection gets its state at once while another connection of the user replays a long backlog", async () => {
    const source = new FakeSource();
    const { hub } = setup(source);
    const total = 2 * REPLAY_BATCH + 10;
    for (let i = 0; i < total; i++) source.insert("alice");
    const replaying = new RecordingSink();
    let replayedWhenFreshGotState = -1;
    const fresh = new RecordingSink();
    fresh.send = (e) => {
      replayedWhenFreshGotState = replaying.events.length;
      fresh.events.push(e);
    };
    hub.connect("alice", 0, "sse", replaying);
    hub.connect("alice", null, "sse", fresh);
    await until(() => expect(replaying.events).toHaveLength(total + 1));
    await settle();
    expect(fresh.events).toEqual([{ unreadCount: total, cursor: String(total) }]);
    expect(replayedWhenFreshGotState).toBeGreaterThan(0);
    expect(replayedWhenFreshGotState).toBeLessThan(total);
    expect(replaying.events.filter((e) => !e.notification)).toEqual([{ unreadCount: total, cursor: String(total) }]);
  });

  it("a connection removed before its first flush gets nothing", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const sink = new RecordingSink();
    const conn = hub.connect("alice", null, "sse", sink);
    hub.disconnect(conn);
    await settle();
    expect(sink.events).toEqual([]);
    expect(hub.connectionCount()).toBe(0);
  });
});

describe("Hub: shutdown and failure", () => {
  it("closeAll closes every sink and forgets every connection", async () => {
    const { source, hub } = setup();
    const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    hub.connect("alice", null, "sse", sinks[0]!);
    hub.connect("alice", null, "ws", sinks[1]!);
    hub.connect("bob", null, "poll", sinks[2]!);
    await until(() => {
      for (const s of sinks) expect(s.events).toHaveLength(1);
    });
    hub.closeAll();
    for (const s of sinks) expect(s.closed).toBe(1);
    expect(hub.connectionCount()).toBe(0);

    source.insert("alice");
    hub.publish(["alice", "bob"]);
    await settle();
    for (const s of sinks) expect(s.events).toHaveLength(1);
  });

  it("closes the user's connections when the source fails, and logs it", async () => {
    const errorSpy = vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    const { source, hub } = setup();
    const a1 = new RecordingSink();
    const a2 = new RecordingSink();
    const b = new RecordingSink();
    hub.connect("alice", null, "sse", a1);
    hub.connect("alice", null, "sse", a2);
    hub.connect("bob", null, "sse", b);
    await until(() => expect([a1, a2, b].map((s) => s.events.length)).toEqual([1, 1, 1]));

    const before = errorSpy.mock.calls.length;
    source.fail = new Error("database is gone");
    source.insert("alice");
    hub.publish(["alice"]);
    await until(() => expect(a1.closed + a2.closed).toBe(2));
    expect(errorSpy.mock.calls.length).toBe(before + 1);
    expect(errorSpy.mock.calls.at(-1)).toEqual(["[hub] flush failed", source.fail]);
    expect(a1.events).toHaveLength(1);
    expect(hub.connectionsOf("alice")).toBe(0);
    // Bob was not affected.
    expect(hub.connectionsOf("bob")).toBe(1);
    expect(b.closed).toBe(0);

    // The hub recovers: a new connection after the store is back works.
    source.fail = null;
    const again = new RecordingSink();
    hub.connect("alice", 0, "sse", again);
    await until(() => expect(again.events).toHaveLength(2));
    expect(again.notificationIds()).toEqual(["n1"]);
  });

  it("ends every connection when the bus goes down and ends new ones until it is back (bus/redis.test.ts does it over Redis)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const source = new FakeSource();
    const bus = new FlakyBus();
    const hub = createHub(source, bus);
    hubs.push(hub);
    const a = new RecordingSink();
    const b = new RecordingSink();
    hub.connect("alice", null, "sse", a);
    hub.connect("bob", null, "ws", b);
    await until(() => expect([a.events.length, b.events.length]).toEqual([1, 1]));

    bus.set(false);
    expect([a.closed, b.closed]).toEqual([1, 1]);
    expect(hub.connectionCount()).toBe(0);
    expect(hub.liveAvailable()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("ending 2 live connection(s)"));
    const late = new RecordingSink();
    hub.connect("alice", null, "poll", late);
    await until(() => expect(late.closed).toBe(1));
    expect(late.events).toEqual([]);

    // Unlike closeAll (shutdown), the hub takes connections again once the bus is back.
    const missed = source.insert("alice");
    bus.set(true);
    expect(hub.liveAvailable()).toBe(true);
    const again = new RecordingSink();
    hub.connect("alice", 0, "sse", again);
    await until(() => expect(again.notificationIds()).toEqual([missed.id]));
    expect(again.closed).toBe(0);
  });

  it("dispose unsubscribes from the bus", async () => {
    const { source, bus, hub } = setup();
    const sink = new RecordingSink();
    hub.connect("alice", null, "sse", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    hub.dispose();
    expect(sink.closed).toBe(1);
    expect(hub.busHealthy()).toBe(true);
    source.insert("alice");
    bus.publish({ type: "inbox", userIds: ["alice"] });
    await settle();
    expect(sink.events).toHaveLength(1);
  });

  it("a second hub on the same bus delivers the first hub's publish (the bus fans out)", async () => {
    const source = new FakeSource();
    const bus = new MemoryBus();
    const h1 = new Hub(bus, source);
    const h2 = new Hub(bus, source);
    hubs.push(h1, h2);
    const s1 = new RecordingSink();
    const s2 = new RecordingSink();
    h1.connect("alice", null, "sse", s1);
    h2.connect("alice", null, "ws", s2);
    await until(() => expect([s1.events.length, s2.events.length]).toEqual([1, 1]));
    const row = source.insert("alice");
    h1.publish(["alice"]);
    await until(() => {
      expect(s1.notificationIds()).toEqual([row.id]);
      expect(s2.notificationIds()).toEqual([row.id]);
    });
  });

  it("reports connections and deliveries to the observer", async () => {
    const source = new FakeSource();
    const calls: string[] = [];
    const observer: HubObserver = {
      connected: (t) => calls.push(`+${t}`),
      disconnected: (t) => calls.push(`-${t}`),
      delivered: (t, since) => calls.push(`${t}:${since === null ? "null" : typeof since}`),
    };
    const hub = createHub(source, new MemoryBus(), observer);
    hubs.push(hub);
    const sink = new RecordingSink();
    const conn = hub.connect("alice", null, "ws", sink);
    await until(() => expect(sink.events).toHaveLength(1));
    source.insert("alice");
    hub.publish(["alice"]);
    await until(() => expect(sink.events).toHaveLength(2));
    hub.disconnect(conn);
    hub.disconnect(conn);
    expect(calls).toEqual(["+ws", "ws:null", "ws:number", "-ws"]);
  });
});

/** A store that also answers the broadcast read, counting how it is asked. */
class BroadcastSource extends FakeSource {
  gapChecks = 0;
  countCalls = 0;
  roles = new Map<string, string>();
  signedUp = new Map<string, Date>();
  broadcasts: Array<{ seq: number; audienceRole: string | null; createdAt: Date }> = [];
  withdrawn = new Set<number>();
  override countUnread(userId: string): Promise<number> {
    this.countCalls++;
    return super.countUnread(userId);
  }
  /** Like the database: one range read for everyone's own rows (true), or a read per chunk of users (false). */
  rangeScan = true;
  /** Per chunk read: whether roles were asked for. */
  roleReads: boolean[] = [];
  /** Chunks of users read, in order. */
  chunks: string[][] = [];
  /** Runs before each chunk's read answers (to change the store meanwhile). */
  beforeChunk?: (k: number) => Promise<void> | void;
  private ownIn(userIds: readonly string[] | null, after: number, before: number): Map<string, number> {
    const latest = new Map<string, number>();
    for (const r of this.rows) {
      if ((userIds === null || userIds.includes(r.userId)) && r.seq > after && r.seq < before) {
        latest.set(r.userId, Math.max(r.seq, latest.get(r.userId) ?? 0));
      }
    }
    return latest;
  }
  readonly broadcast: BroadcastReads = {
    between: async (after, before) => {
      this.gapChecks++;
      await Promise.resolve();
      return {
        broadcasts: this.broadcasts.filter((b) => b.seq > after && b.seq < before),
        exists: !this.withdrawn.has(before),
        latestOwn: this.rangeScan ? this.ownIn(null, after, before) : undefined,
      };
    },
    viewers: async (userIds, after, before, { own, roles }) => {
      this.roleReads.push(roles);
      this.chunks.push([...userIds]);
      await Promise.resolve();
      await this.beforeChunk?.(this.chunks.length - 1);
      const viewers = new Map(userIds.map((id) => [id, { role: this.roles.get(id) ?? "user", createdAt: this.signedUp.get(id) ?? new Date(0) }]));
      return { viewers, latestOwn: own ? this.ownIn(userIds, after, before) : new Map() };
    },
  };
}

/** A broadcast row as the bus carries it, created a moment from now (after the connections in a test). */
const payload = (seq: number, title = "To everyone") => ({
  seq,
  id: `b${seq}`,
  kind: "announcement",
  title,
  body: "Hello **all**",
  link: null,
  createdAt: new Date(Date.now() + 5).toISOString(),
});

describe("Hub: broadcasts", () => {

  it("gives an up-to-date connection the row with its last count + 1, with one gap check and no query of its own", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.insert("alice");
    source.insert("bob");
    const a = new RecordingSink();
    const b = new RecordingSink();
    hub.connect("alice", null, "sse", a, "user");
    hub.connect("bob", null, "ws", b, "user");
    await until(() => expect(a.events.length + b.events.length).toBe(2));
    await new Promise((r) => setTimeout(r, 10)); // the row is created after both connected
    const counts = source.countCalls;

    hub.publishAudience(null, payload(10));
    await until(() => expect(a.events).toHaveLength(2));
    await until(() => expect(b.events).toHaveLength(2));
    expect(a.last).toMatchObject({ unreadCount: 2, cursor: "10", notification: { id: "b10", kind: "announcement", readAt: null } });
    expect(b.last).toMatchObject({ unreadCount: 2, cursor: "10" });
    expect(source.gapChecks).toBe(1);
    expect(source.countCalls).toBe(counts);
  });

  it("flushes a user with a row between their cursor and the broadcast, so nothing is skipped", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    const a = new RecordingSink();
    hub.connect("alice", null, "sse", a, "user");
    await until(() => expect(a.events).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
    const mine = source.insert("alice"); // committed, but its own publish has not arrived yet
    hub.publishAudience(null, payload(mine.seq + 1));
    // The flush replays the personal row (the fake store has no broadcast rows of its own).
    await until(() => expect(a.notificationIds()).toContain(mine.id));
    expect(a.notificationIds()).not.toContain(`b${mine.seq + 1}`);
  });

  it("decides the audience by the database's role, not the session's", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.roles.set("root", "admin");
    source.roles.set("demoted", "user");
    const admin = new RecordingSink();
    const demoted = new RecordingSink();
    hub.connect("root", null, "sse", admin, "admin");
    hub.connect("demoted", null, "sse", demoted, "admin"); // the session still says admin
    await until(() => expect(admin.events.length + demoted.events.length).toBe(2));
    hub.publishAudience("admin", payload(7, "Admins"));
    await until(() => expect(admin.events).toHaveLength(2));
    await settle();
    expect(demoted.events).toHaveLength(1);
    expect(source.roleReads).toEqual([true]); // a role's broadcast reads roles fresh
  });

  it("leaves out accounts made after the broadcast, and flushes a connection that has no count yet", async () => {
    const source = new BroadcastSource();
    source.slow = true;
    const { hub } = setup(source);
    source.signedUp.set("late", new Date(Date.now() + 60_000));
    const late = new RecordingSink();
    hub.connect("late", null, "sse", late, "user");
    await until(() => expect(late.events).toHaveLength(1));
    const fresh = new RecordingSink();
    hub.connect("alice", null, "ws", fresh, "user"); // its first flush is still running
    hub.publishAudience(null, payload(9));
    await until(() => expect(fresh.events.length).toBeGreaterThanOrEqual(1));
    await settle();
    expect(late.events).toHaveLength(1);
  });

  it("flushes a user when a broadcast they can see lies in between, but not for one of another role", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    const a = new RecordingSink();
    hub.connect("alice", null, "sse", a, "user");
    await until(() => expect(a.events).toHaveLength(1));
    const counts = source.countCalls;
    source.broadcasts.push({ seq: 5, audienceRole: "admin", createdAt: new Date() });
    hub.publishAudience(null, payload(6));
    await until(() => expect(a.last?.cursor).toBe("6"));
    expect(source.countCalls).toBe(counts); // the admins' broadcast is not hers: no flush
    expect(source.roleReads).toEqual([true]); // a role's broadcast in between: roles read fresh

    source.broadcasts.push({ seq: 7, audienceRole: null, createdAt: new Date(Date.now() + 1000) });
    hub.publishAudience(null, payload(8));
    await until(() => expect(source.countCalls).toBeGreaterThan(counts)); // one of hers in between: flush
  });

  it("delivers nothing of a broadcast withdrawn while it was being read", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    const a = new RecordingSink();
    hub.connect("alice", null, "sse", a, "user");
    await until(() => expect(a.events).toHaveLength(1));
    source.withdrawn.add(12);
    hub.publishAudience(null, payload(12));
    await until(() => expect(source.gapChecks).toBe(1));
    await settle();
    expect(a.notificationIds()).not.toContain("b12");
  });

  it("reads and delivers chunk by chunk, and finds own rows per chunk when the range is long", async () => {
    for (const rangeScan of [true, false]) {
      const source = new BroadcastSource();
      source.rangeScan = rangeScan;
      const { hub } = setup(source);
      const n = BROADCAST_CHUNK + 3;
      const sinks = new Map<string, RecordingSink>();
      for (let i = 0; i < n; i++) {
        const sink = new RecordingSink();
        sinks.set(`u${i}`, sink);
        hub.connect(`u${i}`, null, "sse", sink, "user");
      }
      await until(() => expect([...sinks.values()].every((s) => s.events.length === 1)).toBe(true));
      await new Promise((r) => setTimeout(r, 10));
      // A row of its own for the last user, committed before the broadcast but not yet announced.
      const mine = source.insert(`u${n - 1}`);
      hub.publishAudience(null, payload(mine.seq + 1));
      await until(() => expect(sinks.get(`u${n - 1}`)!.notificationIds()).toContain(mine.id));
      await until(() => expect(sinks.get("u0")!.notificationIds()).toContain(`b${mine.seq + 1}`));
      expect(source.chunks.map((c) => c.length)).toEqual([BROADCAST_CHUNK, 3]);
      expect(source.roleReads).toEqual([false, false]); // to everyone, nothing with a role between: sign-up times only
      // Everyone else has the row at their count + 1, once.
      for (const [id, sink] of sinks) {
        if (id === `u${n - 1}`) continue;
        expect(sink.notificationIds()).toEqual([`b${mine.seq + 1}`]);
        expect(sink.last).toMatchObject({ unreadCount: 1, cursor: String(mine.seq + 1) });
      }
      // The last user got a flush (the fake store has no broadcast rows of its own), never the row on top of a gap.
      expect(sinks.get(`u${n - 1}`)!.notificationIds()).not.toContain(`b${mine.seq + 1}`);
    }
  });

  it("stops delivering a broadcast withdrawn between two chunks; the withdrawal's flush tells everyone", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    const n = BROADCAST_CHUNK + 2;
    const sinks: RecordingSink[] = [];
    for (let i = 0; i < n; i++) {
      const sink = new RecordingSink();
      sinks.push(sink);
      hub.connect(`u${i}`, null, "sse", sink, "user");
    }
    await until(() => expect(sinks.every((s) => s.events.length === 1)).toBe(true));
    await new Promise((r) => setTimeout(r, 10));
    source.beforeChunk = async (k) => {
      if (k !== 1) return;
      source.withdrawn.add(20);
      hub.publishAudience(null); // what withdrawing does after deleting the row
      // Its flushes finish before the second chunk's read answers.
      await until(() => expect(sinks.slice(BROADCAST_CHUNK).every((s) => s.events.length === 2)).toBe(true));
    };
    hub.publishAudience(null, payload(20));
    await until(() => expect(source.chunks).toHaveLength(2));
    await settle();
    // The first chunk had it (and the withdrawal's flush then corrects them); the second never sees it.
    expect(sinks[0]!.notificationIds()).toEqual(["b20"]);
    for (const sink of sinks.slice(BROADCAST_CHUNK)) expect(sink.notificationIds()).not.toContain("b20");
    for (const sink of sinks) expect(sink.last?.unreadCount).toBe(0);
  });
});

describe("Hub: a reconnect with a current cursor costs no query", () => {
  /** Connects, waits for the first event, and closes: a long-poll's round. Returns that event. */
  async function round(hub: Hub, userId: string, cursor: number | null): Promise<UnreadEvent> {
    const sink = new RecordingSink();
    const conn = hub.connect(userId, cursor, "poll", sink);
    await until(() => expect(sink.events.length).toBeGreaterThan(0));
    hub.disconnect(conn);
    return sink.events[0]!;
  }

  it("answers the state from what the last flush read, while nothing has changed", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    source.insert("alice");
    const first = await round(hub, "alice", null);
    expect(first).toEqual({ unreadCount: 2, cursor: "2" });
    const reads = source.reads;
    for (let k = 0; k < 3; k++) expect(await round(hub, "alice", 2)).toEqual({ unreadCount: 2, cursor: "2" });
    expect(source.reads).toBe(reads);
    // A client that shows another count (a read elsewhere not heard of yet) is read as before.
    const sink = new RecordingSink();
    hub.disconnect(hub.connect("alice", 2, "poll", sink, undefined, 1));
    await settle();
    expect(source.reads).toBeGreaterThan(reads);
    // So is another cursor (older, or not issued here).
    const before = source.reads;
    await round(hub, "alice", 1);
    expect(source.reads).toBeGreaterThan(before);
  });

  it("reads again after a change to the inbox, even one made while the user was away", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    await round(hub, "alice", null);
    const row = source.insert("alice");
    hub.publish(["alice"]); // nobody connected: only what is known is dropped
    const reads = source.reads;
    const sink = new RecordingSink();
    hub.connect("alice", 1, "poll", sink);
    await until(() => expect(sink.notificationIds()).toEqual([row.id]));
    expect(source.reads).toBeGreaterThan(reads);
    expect(sink.last).toMatchObject({ unreadCount: 2, cursor: String(row.seq) });
  });

  it("remembers what a broadcast delivered on top, and forgets users away during one", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.insert("alice");
    source.insert("bob");
    const a = new RecordingSink();
    const aConn = hub.connect("alice", null, "poll", a, "user");
    await round(hub, "bob", null); // bob is away when the broadcast comes
    await until(() => expect(a.events).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
    hub.publishAudience(null, payload(10));
    await until(() => expect(a.notificationIds()).toEqual(["b10"]));
    hub.disconnect(aConn);
    const reads = source.reads;
    // Alice comes back with the broadcast's cursor: known, no query.
    expect(await round(hub, "alice", 10)).toEqual({ unreadCount: 2, cursor: "10" });
    expect(source.reads).toBe(reads);
    // Bob comes back with his old cursor: the broadcast may be his, so his inbox is read.
    await round(hub, "bob", 2);
    expect(source.reads).toBeGreaterThan(reads);
  });

  it("forgets everything on a withdrawal and on a bus outage", async () => {
    const bus = new FlakyBus();
    const source = new FakeSource();
    const hub = createHub(source, bus);
    hubs.push(hub);
    source.insert("alice");
    await round(hub, "alice", null);
    let reads = source.reads;
    await round(hub, "alice", 1);
    expect(source.reads).toBe(reads);
    hub.publishAudience(null); // a withdrawal
    await round(hub, "alice", 1);
    expect(source.reads).toBeGreaterThan(reads);
    reads = source.reads;
    await round(hub, "alice", 1);
    expect(source.reads).toBe(reads);
    bus.set(false);
    bus.set(true);
    await round(hub, "alice", 1);
    expect(source.reads).toBeGreaterThan(reads);
  });

  it("does not remember a read that a change overtook", async () => {
    const { source, hub } = setup();
    source.slow = true;
    source.insert("alice");
    const sink = new RecordingSink();
    const conn = hub.connect("alice", null, "poll", sink);
    // Published while the first flush is reading: the flush runs again, and only that one is remembered.
    source.insert("alice");
    hub.publishAudience(null);
    await until(() => expect(sink.last).toMatchObject({ unreadCount: 2, cursor: "2" }));
    await settle();
    hub.disconnect(conn);
    const reads = source.reads;
    expect(await round(hub, "alice", 2)).toEqual({ unreadCount: 2, cursor: "2" });
    expect(source.reads).toBe(reads);
  });

  it("forgets a user who was connected when a broadcast arrived but gone before their chunk", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.insert("alice");
    const first = new RecordingSink();
    const conn = hub.connect("alice", null, "poll", first, "user");
    await until(() => expect(first.events).toHaveLength(1));
    await settle(); // known: cursor 1, count 1
    source.beforeChunk = () => hub.disconnect(conn); // her poll ends while the chunk is read
    hub.publishAudience(null, payload(10));
    await until(() => expect(source.chunks).toHaveLength(1));
    await settle();
    expect(first.notificationIds()).toEqual([]);
    // Her next poll, from cursor 1 with count 1, must read the inbox (where the broadcast is).
    const reads = source.reads;
    const next = new RecordingSink();
    hub.connect("alice", 1, "poll", next, "user", 1);
    await until(() => expect(next.events.length).toBeGreaterThan(0));
    expect(source.reads).toBeGreaterThan(reads);
  });

  it("does not remember a read from before a broadcast that it finished after", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.insert("alice");
    source.slow = true;
    const sink = new RecordingSink();
    const conn = hub.connect("alice", null, "poll", sink, "user"); // its first read is under way…
    // …when a broadcast arrives; she has her answer and is gone before the broadcast reaches her.
    source.beforeChunk = async () => {
      await until(() => expect(sink.events).toHaveLength(1));
      hub.disconnect(conn);
    };
    hub.publishAudience(null, payload(10));
    await until(() => expect(source.chunks).toHaveLength(1));
    await settle();
    expect(sink.notificationIds()).toEqual([]);
    // Her next poll, with the cursor from before the broadcast, must read the inbox (where the broadcast is).
    const reads = source.reads;
    await round(hub, "alice", 1);
    expect(source.reads).toBeGreaterThan(reads);
  });
});

describe("Hub: async context", () => {
  // A request's AsyncLocalStorage stores (Next's request state) travel with every promise and timer
  // made in its context: a delivery run in the producer's context lets a held connection keep the
  // finished request alive. So deliveries must see none of the caller's stores.
  const request = new AsyncLocalStorage<{ request: string }>();

  /** A sink that records which request context each delivery ran in. */
  function contextSink(seen: Array<string | undefined>): Sink {
    return { send: () => void seen.push(request.getStore()?.request), close: () => undefined };
  }

  it("flushes outside the context of the request that connected or published", async () => {
    const { source, hub } = setup();
    source.insert("alice");
    const seen: Array<string | undefined> = [];
    request.run({ request: "GET (opens the stream)" }, () => hub.connect("alice", null, "sse", contextSink(seen)));
    await until(() => expect(seen).toHaveLength(1));

    source.insert("alice");
    request.run({ request: "POST (creates a notification)" }, () => hub.publish(["alice"]));
    await until(() => expect(seen).toHaveLength(2));
    expect(seen).toEqual([undefined, undefined]);
  });

  it("delivers a broadcast outside the context of the request that published it", async () => {
    const source = new BroadcastSource();
    const { hub } = setup(source);
    source.insert("alice");
    const seen: Array<string | undefined> = [];
    hub.connect("alice", null, "sse", contextSink(seen), "user");
    await until(() => expect(seen).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10)); // the row is created after the connection

    request.run({ request: "POST (announces)" }, () => hub.publishAudience(null, payload(10)));
    await until(() => expect(seen).toHaveLength(2));
    expect(source.gapChecks).toBe(1);
    expect(seen).toEqual([undefined, undefined]);
  });
});
