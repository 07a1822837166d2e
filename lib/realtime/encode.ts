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
