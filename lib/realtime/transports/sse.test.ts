import { describe, expect, it, vi } from "vitest";
import { MemoryBus } from "../bus/memory";
import { createHub, type InboxSource } from "../hub";
import { MAX_BACKLOG_BYTES, openSse, type SseOut } from "./sse";

const store: InboxSource = {
  countUnread: async () => 2,
  rowsAfter: async () => [],
  latestSeq: async () => 7,
  maxSeq: async () => 7,
};

/** A response that keeps what it was given; `backlog` stands for bytes the peer has not read. */
class FakeResponse implements SseOut {
  chunks: string[] = [];
  ended = 0;
  backlog = 0;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended++;
  }
  get writableLength(): number {
    return this.backlog;
  }
}

describe("openSse", () => {
  it("writes retry at once, then the state as an `unread` event with the cursor as id", async () => {
    const hub = createHub(store, new MemoryBus());
    const res = new FakeResponse();
    openSse(hub, "u", null, res);
    expect(res.chunks[0]).toMatch(/^retry: \d+\n/);
    await vi.waitFor(() => expect(res.chunks).toHaveLength(2));
    expect(res.chunks[1]).toBe('id: 7\nevent: unread\ndata: {"unreadCount":2,"cursor":"7"}\n\n');
    expect(hub.connectionCount("sse")).toBe(1);
    hub.dispose();
  });

  it("ends the stream and leaves the hub once its unsent backlog passes the cap", async () => {
    const hub = createHub(store, new MemoryBus());
    const res = new FakeResponse();
    res.backlog = MAX_BACKLOG_BYTES + 1;
    openSse(hub, "u", null, res);
    await vi.waitFor(() => expect(res.ended).toBe(1));
    expect(hub.connectionCount()).toBe(0);
    hub.dispose();
  });

  it("close() leaves the hub and ends the response once, however often it is called", () => {
    const hub = createHub(store, new MemoryBus());
    const res = new FakeResponse();
    const stream = openSse(hub, "u", null, res);
    stream.close();
    stream.close();
    expect(res.ended).toBe(1);
    expect(hub.connectionCount()).toBe(0);
    hub.dispose();
  });

  it("is ended by the hub at shutdown", async () => {
    const hub = createHub(store, new MemoryBus());
    const res = new FakeResponse();
    openSse(hub, "u", null, res);
    hub.closeAll();
    expect(res.ended).toBe(1);
    expect(hub.connectionCount()).toBe(0);
  });
});
