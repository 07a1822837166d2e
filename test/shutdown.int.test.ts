// SIGTERM with live clients on every held transport: each is told to go elsewhere at once, and the
// process exits 0 well within the contract's 10 s.
import { describe, expect, it } from "vitest";
import { collect, collectWs, TestClient } from "./client";
import { startServer } from "./server-harness";

describe("shutdown", () => {
  it("sends held long-polls elsewhere (503), closes WebSockets with 1012 and SSE streams, and exits 0 promptly", async () => {
    const server = await startServer();
    let stopped = false;
    try {
      const user = new TestClient(server.baseUrl);
      expect(await user.signIn("alice@example.com")).toBe(true);

      const es = user.eventSource();
      const sseErrors: string[] = [];
      es.addEventListener("error", () => sseErrors.push("error"));
      await collect(es).next();

      const ws = user.webSocket();
      await collectWs(ws).next();
      const wsClosed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));

      const state = (await (await user.fetch("/api/realtime/poll")).json()) as { cursor: string; events: Array<{ unreadCount: number }> };
      const held = user.fetch(`/api/realtime/poll?cursor=${state.cursor}&unread=${state.events[0]!.unreadCount}&timeout=30`);
      await new Promise((r) => setTimeout(r, 300));

      const t0 = performance.now();
      const exit = server.stop();
      stopped = true;
      // Nothing arrived while it was held: "go elsewhere", not "nothing happened".
      const answer = await held;
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("1");
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("unavailable");
      expect(await wsClosed).toBe(1012);
      expect(await exit).toBe(0);
      expect(performance.now() - t0).toBeLessThan(8000);
      await expect.poll(() => sseErrors.length).toBeGreaterThan(0);
      es.close();
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
