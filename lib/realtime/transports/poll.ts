// Long-polling over the hub, served by server.ts on Node's response (transports/http.ts).
// No `server-only` marker: server.ts runs outside Next's bundler.
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { cursorParam, encodeCursor } from "@/lib/notifications/cursor";
import type { UnreadEvent } from "@/lib/notifications/dto";
import type { Connection, Hub, Sink } from "../hub";
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
  return new Promise<PollAnswer>((resolve, reject) => void new HeldPoll(hub, userId, query, signal, role, resolve, reject));
}

/**
 * A held poll: the hub's sink, the abort listener (`handleEvent`) and the timer's argument in one
 * object. A class, not closures: thousands are held at once, and its methods are shared by all of
 * them (under tsx each named closure also costs a property dictionary; decision 009).
 */
class HeldPoll implements Sink {
  private readonly events: UnreadEvent[] = [];
  private initial = true;
  private done = false;
  private scheduled = false;
  private readonly conn: Connection;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly hub: Hub,
    userId: string,
    private readonly query: PollQuery,
    private readonly signal: AbortSignal,
    role: string | undefined,
    private readonly resolve: (answer: PollAnswer) => void,
    private readonly reject: (error: AppError) => void,
  ) {
    this.conn = hub.connect(userId, query.cursor ?? null, "poll", this, role, query.unread);
    this.timer = setTimeout(HeldPoll.timedOut, query.timeout * 1000, this);
    if (signal.aborted) this.settle("answer");
    else signal.addEventListener("abort", this, { once: true });
  }

  /** Never answer "nothing happened" without having read the state: a cursor the server did not
   * check (or "0" for a client that had none) would make the client replay or skip. */
  private static timedOut(this: void, poll: HeldPoll): void {
    poll.settle(poll.initial ? "unavailable" : "answer");
  }

  /** The client went away. */
  handleEvent(): void {
    this.settle("answer");
  }

  send(event: UnreadEvent): void {
    if (this.done) return;
    const first = this.initial;
    this.initial = false;
    const { query } = this;
    // The current state the client already shows: nothing happened, keep holding.
    const unchanged =
      query.cursor !== undefined &&
      !event.notification &&
      event.cursor === encodeCursor(query.cursor) &&
      (query.unread === undefined || query.unread === event.unreadCount);
    if (first && unchanged) return;
    this.events.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.settle("answer"));
    }
  }

  /** Shutdown, or the store failed: what arrived goes out; with nothing, the client retries (elsewhere). */
  close(): void {
    this.settle(this.events.length ? "answer" : "unavailable");
  }

  private settle(how: "answer" | "unavailable"): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.signal.removeEventListener("abort", this);
    this.hub.disconnect(this.conn);
    if (how === "unavailable") {
      this.reject(new AppError("unavailable", "Live updates are unavailable right now. Try again shortly.", { headers: { "Retry-After": "1" } }));
    } else {
      this.resolve({ events: this.events, cursor: this.events.at(-1)?.cursor ?? this.conn.cursor });
    }
  }
}
