// Long-polling over the hub, served by server.ts on Node's response (transports/http.ts).
// No `server-only` marker: server.ts runs outside Next's bundler.
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { cursorParam, encodeCursor } from "@/lib/notifications/cursor";
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { Hub } from "../hub";
import { admitLive } from "./admission";

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
  admitLive(hub, userId);
  return new Promise<PollAnswer>((resolve, reject) => {
    const events: UnreadEvent[] = [];
    let initial = true;
    let done = false;
    let scheduled = false;
    const settle = (how: "answer" | "unavailable") => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      hub.disconnect(conn);
      if (how === "unavailable") {
        reject(new AppError("unavailable", "Live updates are unavailable right now. Try again shortly.", { headers: { "Retry-After": "1" } }));
      } else {
        resolve({ events, cursor: events.at(-1)?.cursor ?? conn.cursor });
      }
    };
    const finish = () => settle("answer");
    // Never answer "nothing happened" without having read the state: a cursor the server did not
    // check (or "0" for a client that had none) would make the client replay or skip.
    const giveUp = () => settle(initial ? "unavailable" : "answer");
    const onAbort = () => settle("answer");
    const conn = hub.connect(
      userId,
      query.cursor ?? null,
      "poll",
      {
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
          if (first && unchanged) return;
          events.push(event);
          if (!scheduled) {
            scheduled = true;
            queueMicrotask(finish);
          }
        },
        // Shutdown, or the store failed: what arrived goes out; with nothing, the client retries (elsewhere).
        close: () => settle(events.length ? "answer" : "unavailable"),
      },
      role,
    );
    const timer = setTimeout(giveUp, query.timeout * 1000);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
