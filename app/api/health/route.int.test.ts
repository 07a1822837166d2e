import { describe, expect, it } from "vitest";
import { baseUrl } from "@/test/api";

describe("GET /api/health", () => {
  it("answers 200 {ok: true, db: \"ok\", bus: \"ok\"} without caching, to anyone", async () => {
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: true, db: "ok", bus: "ok" });
  });

  it("ignores query strings and cookies it does not need", async () => {
    const res = await fetch(`${baseUrl}/api/health?verbose=1&x=%00`, { headers: { cookie: "next-auth.session-token=garbage" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: "ok", bus: "ok" });
  });

  it("keeps answering under concurrent requests", async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => fetch(`${baseUrl}/api/health`).then(async (r) => [r.status, await r.json()] as const)));
    for (const [status, body] of all) {
      expect(status).toBe(200);
      expect(body).toEqual({ ok: true, db: "ok", bus: "ok" });
    }
  });
});
