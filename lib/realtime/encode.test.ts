import { describe, expect, it } from "vitest";
import type { NotificationDto, UnreadEvent } from "@/lib/notifications/dto";
import { eventJson, sharedFrame } from "./encode";

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

describe("sharedFrame", () => {
  const sse = (e: UnreadEvent) => `data: ${eventJson(e)}\n\n`;

  it("is the encoder's output as bytes, made once per notification object, format, count and cursor", () => {
    const shared = { ...notification };
    const a = sharedFrame({ unreadCount: 3, cursor: "9", notification: shared }, "sse", sse);
    expect(Buffer.isBuffer(a)).toBe(true);
    expect(a.toString()).toBe(sse({ unreadCount: 3, cursor: "9", notification: shared }));
    // Another connection with the same count: the very same bytes.
    expect(sharedFrame({ unreadCount: 3, cursor: "9", notification: shared }, "sse", sse)).toBe(a);
    // Another count, cursor or format: its own.
    const b = sharedFrame({ unreadCount: 4, cursor: "9", notification: shared }, "sse", sse);
    expect(b.toString()).toContain('"unreadCount":4');
    expect(sharedFrame({ unreadCount: 3, cursor: "10", notification: shared }, "sse", sse).toString()).toContain('"cursor":"10"');
    const ws = sharedFrame({ unreadCount: 3, cursor: "9", notification: shared }, "ws", (e) => eventJson(e, "unread"));
    expect(ws.toString()).toBe(JSON.stringify({ type: "unread", unreadCount: 3, cursor: "9", notification: shared }));
    // Another object with equal content is another notification as far as the cache knows.
    expect(sharedFrame({ unreadCount: 3, cursor: "9", notification: { ...shared } }, "sse", sse)).not.toBe(a);
  });

  it("hands a count-only event to the encoder as it is, and keeps nothing of it", () => {
    const e: UnreadEvent = { unreadCount: 2, cursor: "5" };
    let calls = 0;
    const counted = (x: UnreadEvent) => (calls++, sse(x));
    expect(sharedFrame(e, "sse", counted)).toBe(sse(e));
    expect(sharedFrame(e, "sse", counted)).toBe(sse(e));
    expect(calls).toBe(2);
  });
});
