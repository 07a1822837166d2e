import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";
import { MemoryBus } from "../bus/memory";
import { createHub, type InboxSource } from "../hub";
import { longPoll, pollQuerySchema } from "./poll";

/** A store with one user, whose reads can be slowed down or made to fail. */
function store(opts: { delayMs?: number; fail?: boolean } = {}): InboxSource {
  const read = async <T>(v: T): Promise<T> => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (opts.fail) throw new Error("database down");
    return v;
  };
  return {
    countUnread: () => read(2),
    rowsAfter: () => read([]),
    latestSeq: () => read(7),
    maxSeq: () => read(7),
  };
}

const q = (raw: Record<string, string>) => pollQuerySchema.parse(raw);

describe("longPoll", () => {
  it("answers the current state at once when there is no cursor", async () => {
    const hub = createHub(store(), new MemoryBus());
    await expect(longPoll(hub, "u", q({ timeout: "5" }), new AbortController().signal)).resolves.toEqual({
      events: [{ unreadCount: 2, cursor: "7" }],
      cursor: "7",
    });
    expect(hub.connectionCount()).toBe(0);
  });

  it("never answers 'nothing happened' before it has read the state (a slow store)", async () => {
    vi.useFakeTimers();
    try {
      const hub = createHub(store({ delayMs: 5000 }), new MemoryBus());
      const answer = longPoll(hub, "u", q({ timeout: "1" }), new AbortController().signal);
      const settled = expect(answer).rejects.toMatchObject({ code: "unavailable", status: 503 });
      await vi.advanceTimersByTimeAsync(1000);
      await settled;
      expect(hub.connectionCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends the client elsewhere (503) when the store fails, instead of an empty answer it would re-poll at once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const hub = createHub(store({ fail: true }), new MemoryBus());
    const err = await longPoll(hub, "u", q({ cursor: "3", timeout: "5" }), new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).headers).toEqual({ "Retry-After": "1" });
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });

  it("holds when the client is up to date, and answers empty at the timeout", async () => {
    const hub = createHub(store(), new MemoryBus());
    const t0 = Date.now();
    await expect(longPoll(hub, "u", q({ cursor: "7", unread: "2", timeout: "1" }), new AbortController().signal)).resolves.toEqual({
      events: [],
      cursor: "7",
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it("answers what it has when the client goes away, and leaves the hub", async () => {
    const hub = createHub(store(), new MemoryBus());
    const ctrl = new AbortController();
    const answer = longPoll(hub, "u", q({ cursor: "7", unread: "2", timeout: "30" }), ctrl.signal);
    await vi.waitFor(() => expect(hub.connectionCount("poll")).toBe(1));
    ctrl.abort();
    await expect(answer).resolves.toEqual({ events: [], cursor: "7" });
    expect(hub.connectionCount()).toBe(0);
  });

  it("refuses a user over the connection cap with 429", () => {
    const hub = createHub(store({ delayMs: 60_000 }), new MemoryBus());
    for (let i = 0; i < 32; i++) hub.connect("u", null, "sse", { send: () => undefined, close: () => undefined });
    expect(() => longPoll(hub, "u", q({}), new AbortController().signal)).toThrow(expect.objectContaining({ code: "rate_limited" }));
    hub.closeAll();
  });
});

describe("shutdown", () => {
  it("ends a connection that arrives after closeAll at once", async () => {
    const hub = createHub(store(), new MemoryBus());
    hub.closeAll();
    const close = vi.fn();
    hub.connect("u", null, "ws", { send: () => undefined, close });
    await Promise.resolve();
    expect(close).toHaveBeenCalledOnce();
    expect(hub.connectionCount()).toBe(0);
  });
});
