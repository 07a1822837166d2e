import { describe, expect, it } from "vitest";
import { baseUrl, expectError } from "@/test/api";
import { TestClient } from "@/test/client";

describe("unknown /api/... paths", () => {
  it.each([
    ["GET", "/api/nope"],
    ["GET", "/api/notifications/x/y/z"],
    ["POST", "/api/nope/deeper"],
    ["PUT", "/api/v0/anything"],
    ["PATCH", "/api/no-such-thing"],
    ["DELETE", "/api/nope"],
  ])("answers %s %s with 404 not_found in the contract's shape", async (method, path) => {
    const res = await fetch(`${baseUrl}${path}`, { method });
    await expectError(res, 404, "not_found");
  });

  it("answers the same way when signed in", async () => {
    const user = new TestClient(baseUrl);
    expect(await user.signIn("bob@example.com")).toBe(true);
    await expectError(await user.fetch("/api/notificationz"), 404, "not_found");
  });

  it("answers a path that cannot be percent-decoded with 400 invalid_request, never a 5xx", async () => {
    for (const path of ["/api/%", "/api/nope/%zz", "/api/notifications/%", "/api/auth/session/%E2%98", "/api/realtime/sse/%"]) {
      for (const method of ["GET", "POST", "DELETE"]) {
        await expectError(await fetch(`${baseUrl}${path}`, { method }), 400, "invalid_request");
      }
    }
  });

  it("never answers odd paths with a 5xx", async () => {
    const paths = [
      "/api/%00",
      "/api/..%2F..%2Fetc%2Fpasswd",
      "/api/" + "a/".repeat(200),
      "/api/" + "x".repeat(3000),
      "/api/%F0%9F%92%A9",
      "/api/notifications/%2F",
      "/api/admin/announcements/%00",
      "/api/auth/%00",
    ];
    for (const path of paths) {
      for (const method of ["GET", "POST", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
        const res = await fetch(`${baseUrl}${path}`, { method });
        expect(res.status, `${method} ${path.slice(0, 60)} → ${res.status}`).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
  });
});
