// The tab election with real BroadcastChannels (Node has them; it has no Web Locks, so this is the
// heartbeat election that plain-http pages use) and a fake connection manager.
import { afterEach, describe, expect, it } from "vitest";
import type { LiveListener, LiveSnapshot } from "./live";
import { type LiveLike, SharedLive } from "./tabs";
import type { Preference } from "./transports";

class FakeClient implements LiveLike {
  running = false;
  snap: LiveSnapshot;
  private readonly subs = new Set<() => void>();
  private readonly listeners = new Set<LiveListener>();
  constructor(preference: Preference) {
    this.snap = { status: "connecting", unreadCount: null, cursor: null, transport: null, preference };
  }
  getSnapshot = () => this.snap;
  subscribe = (l: () => void) => {
    this.subs.add(l);
    return () => this.subs.delete(l);
  };
  onEvent(l: LiveListener) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  seed(s: { cursor: string | null; unreadCount: number | null }) {
    this.snap = { ...this.snap, ...s };
  }
  setCount(n: number) {
    this.snap = { ...this.snap, unreadCount: n };
    for (const l of this.subs) l();
  }
  setPreference(p: Preference) {
    this.snap = { ...this.snap, preference: p };
    for (const l of this.subs) l();
  }
  start() {
    this.running = true;
  }
  stop() {
    this.running = false;
  }
  /** The server sends an event. */
  deliver(unreadCount: number, cursor: string, title?: string) {
    this.snap = { ...this.snap, status: "live", unreadCount, cursor, transport: "sse" };
    for (const l of this.subs) l();
    const event = title
      ? { unreadCount, cursor, notification: { id: `n${cursor}`, kind: "message" as const, title, body: "", link: null, createdAt: new Date(0).toISOString(), readAt: null } }
      : { unreadCount, cursor };
    for (const l of this.listeners) l(event);
  }
}

const timing = { heartbeatMs: 50, leaderTimeoutMs: 200, claimWaitMs: 40, helloWaitMs: 60 };
const tabs: SharedLive[] = [];
afterEach(() => {
  for (const t of tabs.splice(0)) t.stop();
});

function openTab(key = "u1") {
  const clients: FakeClient[] = [];
  const tab = new SharedLive(key, (p) => {
    const c = new FakeClient(p);
    clients.push(c);
    return c;
  }, "auto", { heartbeatElection: true, timing });
  const titles: string[] = [];
  tab.onEvent((e) => e.notification && titles.push(e.notification.title));
  tab.start();
  tabs.push(tab);
  return { tab, clients, titles, client: () => clients.find((c) => c.running) ?? null };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error("condition not reached");
    await wait(10);
  }
}
const leaders = (list: Array<ReturnType<typeof openTab>>) => list.filter((t) => t.tab.getSnapshot().role === "leader");

describe("SharedLive without Web Locks (heartbeat election)", () => {
  it("elects exactly one leader among tabs opened together, and only it connects", async () => {
    const all = [openTab(), openTab(), openTab(), openTab()];
    await until(() => leaders(all).length === 1);
    await wait(300); // several heartbeat periods: still one
    expect(leaders(all)).toHaveLength(1);
    expect(all.filter((t) => t.client())).toHaveLength(1);
  });

  it("shares the leader's events and state with the other tabs, once each", async () => {
    const all = [openTab(), openTab(), openTab()];
    await until(() => leaders(all).length === 1);
    const leader = leaders(all)[0]!;
    leader.client()!.deliver(1, "10", "Hello");
    leader.client()!.deliver(1, "10", "Hello"); // a repeat (same cursor) is dropped
    leader.client()!.deliver(2, "11", "Again");
    await until(() => all.every((t) => t.titles.length === 2));
    for (const t of all) {
      expect(t.titles).toEqual(["Hello", "Again"]);
      expect(t.tab.getSnapshot()).toMatchObject({ unreadCount: 2, cursor: "11", status: "live" });
    }
  });

  it("hands over when the leader closes, resuming from the cursor the others heard", async () => {
    const all = [openTab(), openTab(), openTab()];
    await until(() => leaders(all).length === 1);
    const old = leaders(all)[0]!;
    old.client()!.deliver(5, "42", "Before");
    await until(() => all.every((t) => t.titles.length === 1));
    const t0 = Date.now();
    old.tab.stop(); // says goodbye
    const rest = all.filter((t) => t !== old);
    await until(() => leaders(rest).length === 1);
    expect(Date.now() - t0).toBeLessThan(500);
    const next = leaders(rest)[0]!;
    expect(next.client()!.getSnapshot()).toMatchObject({ cursor: "42", unreadCount: 5 });
  });

  it("takes over from a leader that vanished without a goodbye", async () => {
    const a = openTab();
    await until(() => a.tab.getSnapshot().role === "leader");
    const b = openTab();
    await wait(100);
    expect(b.tab.getSnapshot().role).toBe("follower");
    // Simulate a crash: the leader's channel and timers die without a goodbye.
    const internals = a.tab as unknown as { channel: BroadcastChannel | null; stopHeartbeatElection(): void };
    internals.stopHeartbeatElection();
    internals.channel?.close();
    internals.channel = null;
    await until(() => b.tab.getSnapshot().role === "leader", 2000);
  });

  it("relays counts set by an action in a follower, and the transport preference", async () => {
    const all = [openTab(), openTab()];
    await until(() => leaders(all).length === 1);
    const follower = all.find((t) => t.tab.getSnapshot().role === "follower")!;
    const leader = leaders(all)[0]!;
    follower.tab.setCount(7, Date.now());
    await until(() => leader.client()!.getSnapshot().unreadCount === 7);
    follower.tab.setPreference("ws");
    await until(() => leader.client()!.getSnapshot().preference === "ws");
  });

  it("keeps different accounts apart", async () => {
    const a = openTab("alice");
    const b = openTab("bob");
    await until(() => a.tab.getSnapshot().role === "leader" && b.tab.getSnapshot().role === "leader");
  });
});

describe("SharedLive counts from responses", () => {
  it("drops a count answered to a request sent before a newer live change", async () => {
    const all = [openTab("u-stale"), openTab("u-stale")];
    await until(() => leaders(all).length === 1);
    const leader = leaders(all)[0]!;
    const follower = all.find((t) => t !== leader)!;
    const askedAt = Date.now();
    await wait(5);
    leader.client()!.deliver(3, "20", "Newer"); // arrives while the request is on its way
    await until(() => follower.tab.getSnapshot().unreadCount === 3);
    expect(follower.tab.freshSince(askedAt)).toBe(false);
    follower.tab.setCount(0, askedAt); // the stale answer
    leader.tab.setCount(0, askedAt);
    await wait(50);
    expect(leader.tab.getSnapshot().unreadCount).toBe(3);
    expect(follower.tab.getSnapshot().unreadCount).toBe(3);
    // A request sent after the change is current.
    const later = Date.now() + 1;
    await wait(5);
    follower.tab.setCount(2, later);
    await until(() => leader.client()!.getSnapshot().unreadCount === 2);
  });
});
