import { describe, expect, it } from "vitest";
import type { NotificationDto, UnreadEvent } from "@/lib/notifications/dto";
import { eventJson } from "./encode";

const notification: NotificationDto = {
  id: "n1",
  kind: "announcement",
  title: 'Quotes " and \\ back\nslashes, </script> and 中文 \u2028',
  body: "**Hello**",
  link: null,
  createdAt: "2026-11-22T08:00:00.000Z",
  readAt: null,
};

describe("eventJson", () => {
  it("is JSON.stringify of the event, with and without a notification", () => {
    const events: UnreadEvent[] = [
      { unreadCount: 0, cursor: "0" },
      { unreadCount: 12, cursor: "345", notification },
      { unreadCount: 1, cursor: "7", notification: { ...notification, link: "/x?a=1&b=2", readAt: "2026-11-22T08:01:00.000Z" } },
    ];
    for (const e of events) {
      expect(eventJson(e)).toBe(JSON.stringify(e));
      expect(eventJson(e, "unread")).toBe(JSON.stringify({ type: "unread", ...e }));
    }
  });

  it("serializes a notification object once however many events carry it", () => {
    const shared = { ...notification };
    const first = eventJson({ unreadCount: 1, cursor: "9", notification: shared });
    // Same object, changed behind the cache's back: the cached JSON is reused (objects are never changed in use).
    shared.title = "changed";
    expect(eventJson({ unreadCount: 2, cursor: "9", notification: shared })).toBe(first.replace('"unreadCount":1', '"unreadCount":2'));
    expect(eventJson({ unreadCount: 2, cursor: "9", notification: { ...shared } })).toContain('"title":"changed"');
  });
});
