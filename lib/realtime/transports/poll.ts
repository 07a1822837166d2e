import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { cursorParam, encodeCursor } from "@/lib/notifications/cursor";
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { Hub } from "../hub";

export const DEFAULT_TIMEOUT_S = 25;

export const pollQuerySchema = z.object({
  cursor: cursorParam.optional(),
  timeout: z.coerce.number().int().min(1).max(30).default(DEFAULT_TIMEOUT_S),
  /**
   * Optional: the unread count the client last showed. A read elsewhere moves no cursor, so without
   * it a change between two polls would wait for the next one; with it, a different count answers at once.
   */
  unread: z.coerce.number().int().min(0).optional(),
});
export type PollQuery = z.infer<typeof pollQuerySchema>;

export type PollAnswer = { events: UnreadEvent[]; cursor: string };

/**
 * One long-poll over the hub. The hub's first flush replays everything after the cursor and then the
 * state: answer at once when that holds something new, otherwise hold until the next change, the
 * timeout, an abort or shutdown. Events of one flush are written synchronously, so a microtask after
 * the first one has them all.
 */
export function longPoll(hub: Hub, userId: string, query: PollQuery, signal: AbortSignal, role?: string): Promise<PollAnswer> {
  if (hub.atCapacity(userId)) throw new AppError("rate_limited", "Too many live connections for this account.", { headers: { "Retry-After": "5" } });
  return new Promise<PollAnswer>((resolve) => {
    const events: UnreadEvent[] = [];
    let initial = true;
    let done = false;
    let scheduled = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      hub.disconnect(conn);
      resolve({ events, cursor: events.at(-1)?.cursor ?? conn.cursor });
    };
    const conn = hub.connect(userId, query.cursor ?? null, "poll", {
      send(event) {
        if (done) return;
        const first = initial;
        initial = false;
        // The current state the client already shows: nothing happened, keep holding.
        const unchanged =
          query.cursor !== undefined &&
          !event.notification &&
          event.cursor === encodeCursor(query.cursor) &&
          (query.unread === undefined || query.unread === event.unreadCount);
        if (first && unchanged) {
          return;
        }
        events.push(event);
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(finish);
        }
      },
      close: finish,
    }, role);
    const timer = setTimeout(finish, query.timeout * 1000);
    if (signal.aborted) finish();
    else signal.addEventListener("abort", finish, { once: true });
  });
}
