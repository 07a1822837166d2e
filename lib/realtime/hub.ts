import { AsyncResource } from "node:async_hooks";
import { encodeCursor } from "@/lib/notifications/cursor";
import { toDto, type NotificationRow, type UnreadEvent } from "@/lib/notifications/dto";
import { MemoryBus } from "./bus/memory";
import type { BroadcastRowPayload, Bus, BusEvent } from "./bus/types";

export type TransportName = "sse" | "ws" | "poll";

/** What a transport gives the hub: a synchronous writer and a way to end the connection. */
export interface Sink {
  send(event: UnreadEvent): void;
  /** End the connection so the client reconnects (shutdown, overload, fatal error). */
  close(): void;
}

/** Where the hub reads inbox state. The database in production; injectable in unit tests. */
export interface InboxSource {
  countUnread(userId: string): Promise<number>;
  rowsAfter(userId: string, seq: number, limit: number): Promise<NotificationRow[]>;
  latestSeq(userId: string): Promise<number>;
  /** The newest seq in the whole store: a cursor above it was not issued by this store. */
  maxSeq(): Promise<number>;
  /** The broadcast fast path's reads (optional; without them every broadcast means a flush per connected user). */
  broadcast?: BroadcastReads;
}

/** What the broadcast fast path reads for a broadcast row at seq `before`. */
export interface BroadcastReads {
  /**
   * Once per broadcast: the other broadcast rows in (after, before) and whether the row still exists.
   * `latestOwn`, when the store can read it for everyone at once (a short seq range): each user's
   * newest own row in (after, before); users without one are absent.
   */
  between(after: number, before: number): Promise<BroadcastContext>;
  /**
   * Per chunk of connected users: sign-up time and role (absent: no such account), and, when `own`,
   * each one's newest own row in (after, before). `roles` false: only sign-up times matter (no
   * broadcast involved has a role), so the role may be stale.
   */
  viewers(userIds: readonly string[], after: number, before: number, opts: { own: boolean; roles: boolean }): Promise<BroadcastViewers>;
}

export type BroadcastContext = {
  broadcasts: Array<{ seq: number; audienceRole: string | null; createdAt: Date }>;
  exists: boolean;
  latestOwn?: Map<string, number>;
};

export type BroadcastViewers = {
  viewers: Map<string, { role: string; createdAt: Date }>;
  latestOwn: Map<string, number>;
};

/** Users read per query of the broadcast fast path; each chunk is delivered as soon as it is read. */
export const BROADCAST_CHUNK = 500;

export const REPLAY_BATCH = 500;
/**
 * Live connections one user may hold on one instance, over all transports. A browser holds one
 * (its tabs share it), so this only stops a runaway script from exhausting the server.
 */
export const MAX_CONNECTIONS_PER_USER = 32;

/** Optional observers (metrics). */
export interface HubObserver {
  connected(transport: TransportName): void;
  disconnected(transport: TransportName): void;
  /** `sinceMs`: time since the change that caused the event was published (null on connect/replay). */
  delivered(transport: TransportName, sinceMs: number | null): void;
}

export class Connection {
  /** The newest notification seq this client has; null until the first flush sets it. */
  lastSeq: number | null;
  /** The count in the last event this connection was sent. */
  lastCount: number | null = null;
  initial = true;
  closed = false;

  constructor(
    readonly userId: string,
    cursor: number | null,
    readonly transport: TransportName,
    readonly sink: Sink,
    readonly role?: string,
  ) {
    this.lastSeq = cursor;
  }

  get cursor(): string {
    return encodeCursor(this.lastSeq ?? 0);
  }
}

/**
 * The realtime core. Producers say "these inboxes changed" (publish); the bus carries that to
 * every instance; for each user with connections here, one flush at a time reads the new rows
 * and the count once and writes them to each of that user's connections. Cursors and replay come
 * from the store, so a connection opened anywhere with a cursor gets exactly what it missed.
 */
type FlushState = { dirty: boolean; changed: boolean; since: number | null };

/** A user's inbox as of the last read, while no change has been heard of since (see `known`). */
type Known = { seq: number; count: number; at: number };

/** `known` entries are dropped past this age or when the map grows past this size: only a reconnect soon after needs them. */
const KNOWN_TTL_MS = 5 * 60_000;
const MAX_KNOWN = 100_000;

export class Hub {
  private readonly conns = new Map<string, Set<Connection>>();
  /** `changed`: the inbox changed since the last flush began (not merely a connection was added). */
  /** `since`: when the oldest change not yet flushed was published (performance.now()), for latency. */
  private readonly flushing = new Map<string, FlushState>();
  /**
   * What each user's inbox was at the last flush (or broadcast delivered on top of it), kept while no
   * change to it has been heard of: an inbox event deletes the user's entry, a broadcast the entries of
   * users it may concern, a withdrawal or a bus outage all of them. A client reconnecting with that
   * cursor (a long-poll's next poll, above all) gets the state without a query.
   */
  private readonly known = new Map<string, Known>();
  /** Moves on every audience event and bus outage: a flush that read before it must not fill `known`. */
  private generation = 0;
  private readonly unsubscribe: () => void;
  private readonly unwatchBus: () => void;
  /**
   * Audience events without a row (a withdrawal) so far: each flushes everyone, and a broadcast still
   * being delivered stops its fast path when this moves.
   */
  private audienceChanges = 0;
  /** After closeAll (shutdown), a late connection is ended at once: it reconnects elsewhere. */
  private closing = false;
  /**
   * Flushes and broadcasts run in the async context the hub was made in, never in the caller's: run
   * from a POST, every promise, timer and socket write a delivery makes would carry that request's
   * AsyncLocalStorage stores (Next's request state), and a held connection would keep the finished
   * request alive until its next delivery (docs/decisions/009-lean-stream-path.md).
   */
  private readonly scope = new AsyncResource("NotificationHub");

  constructor(
    private readonly bus: Bus,
    private readonly source: InboxSource,
    private readonly observer?: HubObserver,
  ) {
    this.unsubscribe = bus.subscribe(this.scope.bind((e: BusEvent) => {
      const at = performance.now();
      if (e.type === "inbox") {
        for (const id of e.userIds) {
          this.known.delete(id);
          if (this.conns.has(id)) this.schedule(id, at);
        }
        return;
      }
      this.generation++;
      // A broadcast: who is in its audience is the database's call (a session's role can be stale).
      const users = [...this.conns.keys()];
      if (e.row && this.source.broadcast) {
        // Users connected now are settled by the broadcast itself; what the others last knew may be out of date.
        for (const id of this.known.keys()) if (!this.conns.has(id)) this.known.delete(id);
        return void this.broadcast(this.source.broadcast, users, e.role, e.row, at);
      }
      this.audienceChanges++;
      this.known.clear();
      for (const id of users) this.schedule(id, at);
    }));
    // While the bus is down, events from other instances can be missed: every live connection here
    // is ended so its client resumes from its cursor (here once the bus is back, or by polling the
    // database meanwhile), and connect() ends new ones until then.
    this.unwatchBus = bus.onHealthChange(this.scope.bind((up: boolean) => {
      if (up) return;
      this.generation++;
      this.known.clear();
      const n = this.connectionCount();
      if (n) console.warn(`[hub] the bus is down: ending ${n} live connection(s); they resume from their cursors`);
      this.endAll();
    }));
  }

  /** Call after the change has been committed. */
  publish(userIds: readonly string[]): void {
    if (userIds.length) this.bus.publish({ type: "inbox", userIds: [...new Set(userIds)] });
  }

  /** Call after a broadcast row for this audience was written or removed (`role` null = everyone). */
  publishAudience(role: string | null, row?: BroadcastRowPayload): void {
    this.bus.publish(row ? { type: "audience", role, row } : { type: "audience", role });
  }

  /**
   * `role`: the user's role as the session says, so a broadcast to another role passes them by.
   * `unread`: the count the client shows, when it says (long-polling): a reconnect whose cursor and
   * count are what the hub last read, with no change heard of since, is answered without a query.
   */
  connect(userId: string, cursor: number | null, transport: TransportName, sink: Sink, role?: string, unread?: number): Connection {
    const conn = new Connection(userId, cursor, transport, sink, role);
    // Shutting down, or the bus went down after the transport checked liveAvailable(): end it at once.
    if (this.closing || !this.bus.healthy()) {
      conn.closed = true;
      queueMicrotask(() => sink.close());
      return conn;
    }
    let set = this.conns.get(userId);
    if (!set) this.conns.set(userId, (set = new Set()));
    set.add(conn);
    this.observer?.connected(transport);
    const known = cursor === null || this.flushing.has(userId) ? undefined : this.known.get(userId);
    if (known && known.seq === cursor && (unread === undefined || unread === known.count) && performance.now() - known.at < KNOWN_TTL_MS) {
      // Nothing has changed since this cursor was current: the state without a query.
      conn.initial = false;
      conn.lastCount = known.count;
      queueMicrotask(() => {
        // Closed, or a delivery got there first (its event carried the newer state).
        if (conn.closed || conn.lastSeq !== known.seq) return;
        conn.sink.send({ unreadCount: known.count, cursor: conn.cursor });
        this.observer?.delivered(transport, null);
      });
      return conn;
    }
    this.schedule(userId, null);
    return conn;
  }

  disconnect(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.observer?.disconnected(conn.transport);
    const set = this.conns.get(conn.userId);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.conns.delete(conn.userId);
  }

  connectionCount(transport?: TransportName): number {
    let n = 0;
    for (const set of this.conns.values()) {
      for (const c of set) if (!transport || c.transport === transport) n++;
    }
    return n;
  }

  busHealthy(): boolean {
    return this.bus.healthy();
  }

  /**
   * False while live connections cannot be served: the bus is down, so events from other instances
   * could be missed. Transports refuse new ones (503); clients poll the database meanwhile.
   */
  liveAvailable(): boolean {
    return this.bus.healthy();
  }

  connectionsOf(userId: string): number {
    return this.conns.get(userId)?.size ?? 0;
  }

  /** True when the user may not open another live connection here. */
  atCapacity(userId: string): boolean {
    return this.connectionsOf(userId) >= MAX_CONNECTIONS_PER_USER;
  }

  /** Ends every connection for good (shutdown): clients reconnect elsewhere. */
  closeAll(): void {
    this.closing = true;
    this.endAll();
  }

  dispose(): void {
    this.closeAll();
    this.unsubscribe();
    this.unwatchBus();
  }

  /** Ends every connection; their clients reconnect and resume from their cursors. */
  private endAll(): void {
    for (const set of [...this.conns.values()]) {
      for (const c of [...set]) {
        this.disconnect(c);
        c.sink.close();
      }
    }
  }

  /**
   * The broadcast fast path. Read once: the other broadcasts since the oldest cursor, and whether the
   * row still exists. Then per chunk of connected users, delivered as soon as it is read: roles and
   * sign-up times from the database, each one's newest own row below the broadcast. A user outside the
   * audience hears nothing. A user whose connections are up to date with nothing in between gets the
   * row with their last count + 1, without a query of their own. Everyone else (a gap, a flush running,
   * a fresh connection) gets an ordinary flush, so nothing is skipped.
   */
  private async broadcast(reads: BroadcastReads, userIds: readonly string[], role: string | null, payload: BroadcastRowPayload, at: number): Promise<void> {
    if (!userIds.length) return;
    const createdAt = new Date(payload.createdAt);
    const row: NotificationRow = { ...payload, createdAt, readAt: null };
    // One object and one cursor string for every connection: transports serialize the row once (encode.ts).
    const dto = toDto(row);
    const cursor = encodeCursor(row.seq);
    const changes = this.audienceChanges;
    let after = row.seq;
    // Connections without a cursor yet are being flushed (and get a flush): they need no range of their own.
    for (const id of userIds) for (const c of this.conns.get(id) ?? []) if (c.lastSeq !== null) after = Math.min(after, c.lastSeq);
    const flushFrom = (i: number, e: unknown) => {
      console.error("[hub] broadcast read failed; flushing instead", e);
      for (const id of userIds.slice(i)) {
        // Whoever is no longer connected gets no flush: what was known of them may be out of date now.
        this.known.delete(id);
        this.schedule(id, at);
      }
    };
    let ctx: BroadcastContext;
    try {
      ctx = await reads.between(after, row.seq);
    } catch (e) {
      return flushFrom(0, e);
    }
    // Withdrawn: its withdrawal flushes everyone; deliver nothing of it.
    if (!ctx.exists || this.audienceChanges !== changes) return;
    // Roles are read fresh only when a role is involved: sign-up times never change.
    const roles = role !== null || ctx.broadcasts.some((b) => b.audienceRole !== null);
    const sees = (v: { role: string; createdAt: Date }, b: { audienceRole: string | null; createdAt: Date }) =>
      (b.audienceRole === null || b.audienceRole === v.role) && b.createdAt >= v.createdAt;
    for (let i = 0; i < userIds.length; i += BROADCAST_CHUNK) {
      // Let the last chunk's writes go out before reading the next: the reads may answer at once (the
      // driver is synchronous on SQLite), and Node sends an HTTP response's writes (SSE, long-poll) from
      // a nextTick it queued when it corked them. Without this the first client would wait for the last
      // chunk. A nextTick, not setImmediate: the event loop does not run meanwhile, so the polls that
      // early chunks answered do not come back in between and delay the later chunks.
      if (i > 0) await new Promise<void>((resolve) => process.nextTick(resolve));
      // Withdrawn meanwhile: that event has scheduled a flush for everyone.
      if (this.audienceChanges !== changes) return;
      const chunk = userIds.slice(i, i + BROADCAST_CHUNK);
      let part: BroadcastViewers;
      try {
        part = await reads.viewers(chunk, after, row.seq, { own: !ctx.latestOwn, roles });
      } catch (e) {
        return flushFrom(i, e);
      }
      // Withdrawn while we read: that event has scheduled a flush for everyone.
      if (this.audienceChanges !== changes) return;
      const latestOwn = ctx.latestOwn ?? part.latestOwn;
      const sinceMs = performance.now() - at;
      for (const id of chunk) {
        const viewer = part.viewers.get(id);
        if (!viewer || !sees(viewer, { audienceRole: role, createdAt })) continue;
        const set = this.conns.get(id);
        if (!set) {
          // Gone since the broadcast arrived (a long-poll answered meanwhile): what was known of them is out of date.
          this.known.delete(id);
          continue;
        }
        const own = latestOwn.get(id) ?? 0;
        let upToDate = !this.flushing.has(id);
        for (const c of set) {
          upToDate &&=
            !c.closed &&
            !c.initial &&
            c.lastSeq !== null &&
            c.lastCount !== null &&
            c.lastSeq < row.seq &&
            own <= c.lastSeq &&
            !ctx.broadcasts.some((b) => b.seq > c.lastSeq! && sees(viewer, b));
        }
        if (!upToDate) {
          this.known.delete(id);
          for (const c of set) {
            if (c.lastSeq === null || c.lastSeq < row.seq) {
              this.schedule(id, at);
              break;
            }
          }
          continue;
        }
        for (const c of set) {
          c.lastSeq = row.seq;
          c.lastCount = c.lastCount! + 1;
          c.sink.send({ unreadCount: c.lastCount, cursor, notification: dto });
          this.observer?.delivered(c.transport, sinceMs);
        }
        this.remember(id, set);
      }
    }
  }

  /** Flushes for one user run one at a time; a change during a flush runs one more. */
  /** `changedAt`: when the inbox change was published; null when only a connection was added. */
  private schedule(userId: string, changedAt: number | null): void {
    const changed = changedAt !== null;
    const state = this.flushing.get(userId);
    if (state) {
      state.dirty = true;
      state.changed ||= changed;
      state.since ??= changedAt;
      return;
    }
    const fresh: FlushState = { dirty: true, changed, since: changedAt };
    this.flushing.set(userId, fresh);
    this.scope.runInAsyncScope(() => void this.run(userId, fresh));
  }

  private async run(userId: string, state: FlushState): Promise<void> {
    try {
      while (state.dirty && this.conns.has(userId)) {
        const { changed, since } = state;
        state.dirty = false;
        state.changed = false;
        state.since = null;
        if (await this.flushOnce(userId, changed, since, state)) state.dirty = true;
      }
    } catch (e) {
      // The store failed: end this user's connections; they resume from their cursors.
      console.error("[hub] flush failed", e);
      for (const c of [...(this.conns.get(userId) ?? [])]) {
        this.disconnect(c);
        c.sink.close();
      }
    } finally {
      this.flushing.delete(userId);
    }
  }

  /** Remembers the user's state when all their connections agree on it. */
  private remember(userId: string, set: Iterable<Connection>): void {
    let seq: number | null = null;
    let count: number | null = null;
    for (const c of set) {
      if (c.closed) continue;
      if (c.initial || c.lastSeq === null || c.lastCount === null) return;
      if ((seq !== null && c.lastSeq !== seq) || (count !== null && c.lastCount !== count)) return;
      seq = c.lastSeq;
      count = c.lastCount;
    }
    if (seq === null || count === null) return;
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.set(userId, { seq, count, at: performance.now() });
  }

  /** Returns true when more rows remain to replay. */
  private async flushOnce(userId: string, changed: boolean, since: number | null, state: FlushState): Promise<boolean> {
    const list = [...(this.conns.get(userId) ?? [])];
    if (!list.length) return false;
    const generation = this.generation;

    // A cursor above everything stored was not issued by this store (e.g. the database was reset): start fresh.
    if (list.some((c) => c.initial && c.lastSeq !== null)) {
      const max = await this.source.maxSeq();
      for (const c of list) if (c.initial && c.lastSeq !== null && c.lastSeq > max) c.lastSeq = null;
    }

    let minSeq: number | undefined;
    let needLatest = false;
    for (const c of list) {
      if (c.lastSeq === null) needLatest = true;
      else minSeq = minSeq === undefined ? c.lastSeq : Math.min(minSeq, c.lastSeq);
    }
    const [count, rows, latest] = await Promise.all([
      this.source.countUnread(userId),
      minSeq === undefined ? Promise.resolve([]) : this.source.rowsAfter(userId, minSeq, REPLAY_BATCH),
      needLatest ? this.source.latestSeq(userId) : Promise.resolve(0),
    ]);

    const more = rows.length === REPLAY_BATCH;
    const batchEnd = rows.at(-1)?.seq;
    const sinceMs = since === null ? null : performance.now() - since;
    const deliver = (c: Connection, event: UnreadEvent) => {
      c.lastCount = event.unreadCount;
      c.sink.send(event);
      this.observer?.delivered(c.transport, c.initial ? null : sinceMs);
    };
    // One object per row for all of this user's connections (tabs, devices): encoded once (encode.ts).
    const dtos = rows.map(toDto);
    for (const c of list) {
      if (c.closed) continue;
      if (c.lastSeq === null) c.lastSeq = latest;
      let sent = false;
      for (let r = 0; r < rows.length; r++) {
        const seq = rows[r]!.seq;
        if (seq <= c.lastSeq) continue;
        c.lastSeq = seq;
        deliver(c, { unreadCount: count, cursor: c.cursor, notification: dtos[r] });
        sent = true;
      }
      // Still replaying: the state follows the last batch.
      if (more && c.lastSeq === batchEnd) continue;
      // Every change of the inbox reaches every connection, even when the count stays (a delete of a read item);
      // a connection added for the same user is not a change, so the others hear nothing of it.
      if (c.initial || (!sent && changed)) deliver(c, { unreadCount: count, cursor: c.cursor });
      c.initial = false;
    }
    // Read after every change heard of (none arrived meanwhile): what a reconnect may rely on. Now, while
    // the connections are open: a long-poll answered here ends in a moment.
    if (!more && !state.dirty && generation === this.generation) this.remember(userId, list);
    return more;
  }
}

export function createHub(source: InboxSource, bus: Bus = new MemoryBus(), observer?: HubObserver): Hub {
  return new Hub(bus, source, observer);
}
