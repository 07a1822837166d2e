// Long-polling against the real server, per the contract: answer at once when behind, else hold.
import { describe, expect, it } from "vitest";
import { adminClient, baseUrl, expectError } from "@/test/api";
import { sendMessage, TestClient, type UnreadPayload } from "@/test/client";
import { MAX_CONNECTIONS_PER_USER } from "../hub";

type PollBody = { events: UnreadPayload[]; cursor: string };

async function poll(client: TestClient, query: string, init: RequestInit = {}): Promise<{ body: PollBody; ms: number; res: Response }> {
  const t0 = performance.now();
  const res = await client.fetch(`/api/realtime/poll${query}`, init);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { body: JSON.parse(text) as PollBody, ms: performance.now() - t0, res };
}

describe("GET /api/realtime/poll", () => {
  it("refuses an anonymous client with 401", async () => {
    await expectError(await fetch(`${baseUrl}/api/realtime/poll`), 401, "unauthenticated");
  });

  it("rejects a bad cursor or timeout with 400 naming the field", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("poll-bad");
    await expectError(await user.fetch("/api/realtime/poll?cursor=x"), 400, "invalid_request", { fields: ["cursor"] });
    await expectError(await user.fetch("/api/realtime/poll?timeout=0"), 400, "invalid_request", { fields: ["timeout"] });
    await expectError(await user.fetch("/api/realtime/poll?timeout=31"), 400, "invalid_request", { fields: ["timeout"] });
    await expectError(await user.fetch("/api/realtime/poll?timeout=abc"), 400, "invalid_request", { fields: ["timeout"] });
  });

  it("answers at once with the current state when no cursor is given", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("poll-state");
    const { body, ms, res } = await poll(user, "?timeout=10");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toEqual({ events: [{ unreadCount: 0, cursor: expect.stringMatching(/^\d+$/) }], cursor: body.events[0]!.cursor });
    expect(ms).toBeLessThan(5000);
  });

  it("holds when nothing happened and answers empty after the timeout", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("poll-hold");
    const { body: state } = await poll(user, "");
    const { body, ms } = await poll(user, `?cursor=${state.cursor}&timeout=1`);
    expect(body).toEqual({ events: [], cursor: state.cursor });
    expect(ms).toBeGreaterThanOrEqual(900);
  });

  it("answers a held poll as soon as a message arrives", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("poll-wake");
    const { body: state } = await poll(user, "");
    const held = poll(user, `?cursor=${state.cursor}&timeout=20`);
    await new Promise((r) => setTimeout(r, 300));
    expect((await sendMessage(admin, [me.email], "wake up")).status).toBe(201);
    const { body, ms } = await held;
    expect(ms).toBeLessThan(10_000);
    // A new notification carries the new count itself.
    expect(body.events.map((e) => e.notification?.title)).toEqual(["wake up"]);
    expect(body.events[0]!.unreadCount).toBe(1);
    expect(body.cursor).toBe(body.events[0]!.cursor);
  });

  it("answers at once with everything after the cursor, in order, then the count", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("poll-behind");
    const { body: state } = await poll(user, "");
    for (let i = 1; i <= 3; i++) expect((await sendMessage(admin, [me.email], `behind ${i}`)).status).toBe(201);
    const { body, ms } = await poll(user, `?cursor=${state.cursor}&timeout=30`);
    expect(ms).toBeLessThan(5000);
    expect(body.events.map((e) => e.notification?.title ?? null)).toEqual(["behind 1", "behind 2", "behind 3", null]);
    expect(body.events.at(-1)!.unreadCount).toBe(3);
    // Polling again from the answer's cursor holds: nothing is repeated.
    const { body: again } = await poll(user, `?cursor=${body.cursor}&unread=3&timeout=1`);
    expect(again.events).toEqual([]);
  });

  it("answers at once when the count the client shows is stale (a read elsewhere moves no cursor)", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("poll-stale");
    expect((await sendMessage(admin, [me.email], "to read")).status).toBe(201);
    const { body: state } = await poll(user, "");
    expect(state.events[0]!.unreadCount).toBe(1);
    expect((await user.fetch("/api/notifications/read-all", { method: "POST" })).status).toBe(200);
    const { body, ms } = await poll(user, `?cursor=${state.cursor}&unread=1&timeout=20`);
    expect(ms).toBeLessThan(5000);
    expect(body.events).toEqual([{ unreadCount: 0, cursor: state.cursor }]);
  });

  it("wakes a held poll on a read in another tab", async () => {
    const admin = await adminClient();
    const user = new TestClient(baseUrl);
    const me = await user.signUpFresh("poll-read");
    expect((await sendMessage(admin, [me.email], "read me")).status).toBe(201);
    const { body: state } = await poll(user, "");
    const held = poll(user, `?cursor=${state.cursor}&unread=1&timeout=20`);
    await new Promise((r) => setTimeout(r, 300));
    expect((await user.fetch("/api/notifications/read-all", { method: "POST" })).status).toBe(200);
    const { body, ms } = await held;
    expect(ms).toBeLessThan(10_000);
    expect(body.events).toEqual([{ unreadCount: 0, cursor: state.cursor }]);
  });

  it("releases a held poll when the client aborts (no connection left behind)", async () => {
    const user = new TestClient(baseUrl);
    await user.signUpFresh("poll-abort");
    const { body: state } = await poll(user, "");
    // More held-then-abandoned polls than one user may hold at once (MAX_CONNECTIONS_PER_USER): one
    // left behind each time would have this user refused (429) before the end.
    for (let i = 0; i < MAX_CONNECTIONS_PER_USER + 4; i++) {
      const ctrl = new AbortController();
      const pending = user.fetch(`/api/realtime/poll?cursor=${state.cursor}&timeout=30`, { signal: ctrl.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 150));
      ctrl.abort();
      expect(await pending).toBeInstanceOf(Error);
    }
    // The server still takes and answers this user promptly.
    const { ms } = await poll(user, "");
    expect(ms).toBeLessThan(5000);
  }, 30_000);
});
