import { describe, expect, it } from "vitest";
import { routeLabel } from "./route-label";

describe("routeLabel", () => {
  it("keeps known routes and folds ids into their template", () => {
    expect(routeLabel("/api/notifications?filter=unread")).toBe("/api/notifications");
    expect(routeLabel("/api/notifications/read-all")).toBe("/api/notifications/read-all");
    expect(routeLabel("/api/notifications/cm1abcdef0000")).toBe("/api/notifications/[id]");
    expect(routeLabel("/api/admin/announcements/x1")).toBe("/api/admin/announcements/[id]");
    expect(routeLabel("/api/realtime/poll?cursor=3&timeout=25")).toBe("/api/realtime/poll");
    expect(routeLabel("/api/auth/callback/credentials")).toBe("/api/auth/*");
    expect(routeLabel("/inbox/")).toBe("/inbox");
  });

  it("never lets a client mint new label values", () => {
    expect(routeLabel("/api/notifications/a/b")).toBe("/api/*");
    expect(routeLabel("/api/whatever-you-like-123")).toBe("/api/*");
    expect(routeLabel("/random/page/9")).toBe("other");
    expect(routeLabel("/_next/static/chunks/abc.js")).toBe("/_next/*");
    expect(routeLabel(undefined)).toBe("/");
  });
});
