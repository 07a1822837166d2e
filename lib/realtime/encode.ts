// The live payload as JSON, for every transport. No `server-only` marker: server.ts runs outside Next.
import type { NotificationDto, UnreadEvent } from "@/lib/notifications/dto";

/**
 * Each notification object's JSON, made once: a broadcast hands the same object to every connection,
 * so ten thousand events serialize the row once, as a bare server would (decision 011).
 */
const notificationJson = new WeakMap<NotificationDto, string>();

/**
 * `JSON.stringify(event)`, byte for byte (with `type` first when given), reusing the notification's JSON.
 * Keys in the order the hub builds events: unreadCount, cursor, notification.
 */
export function eventJson(event: UnreadEvent, type?: string): string {
  let notification = "";
  if (event.notification) {
    let json = notificationJson.get(event.notification);
    if (json === undefined) notificationJson.set(event.notification, (json = JSON.stringify(event.notification)));
    notification = `,"notification":${json}`;
  }
  const head = type === undefined ? "" : `"type":${JSON.stringify(type)},`;
  return `{${head}"unreadCount":${JSON.stringify(event.unreadCount)},"cursor":${JSON.stringify(event.cursor)}${notification}}`;
}

/**
 * The bytes a transport writes for an event that carries a notification, made once per notification
 * object, wire format and (count, cursor): a broadcast hands thousands of connections the same object,
 * and most of them share a count, so they share one Buffer too, as a bare server's one encoding
 * (no per-connection string, UTF-8 conversion or garbage). Events without a notification (a count
 * change) are small and per connection: they are encoded each time.
 */
const frames = new WeakMap<NotificationDto, Map<string, Buffer>>();

export function sharedFrame(event: UnreadEvent, format: string, encode: (event: UnreadEvent) => string): Buffer | string {
  if (!event.notification) return encode(event);
  let byKey = frames.get(event.notification);
  if (byKey === undefined) frames.set(event.notification, (byKey = new Map()));
  const key = `${format} ${event.unreadCount} ${event.cursor}`;
  let bytes = byKey.get(key);
  if (bytes === undefined) byKey.set(key, (bytes = Buffer.from(encode(event))));
  return bytes;
}
