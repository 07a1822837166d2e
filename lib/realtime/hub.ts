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
  /**
   * For a broadcast row at seq `before`, read once for many users (optional; without it every
   * broadcast means a flush per connected user): each user's role and sign-up time, their newest own
   * row below it, the other broadcast rows in (after, before), and whether the row still exists.
   */
  broadcastGap?(userIds: readonly string[], after: number, before: number): Promise<BroadcastGap>;
}

/** What the broadcast fast path needs to know, read in a few queries for all connected users. */
export type BroadcastGap = {
  viewers: Map<string, { role: string; createdAt: Date }>;
  latestOwn: Map<string, number>;
  broadcasts: Array<{ seq: number; audienceRole: string | null; createdAt: Date }>;
  exists: boolean;
};

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

export class Hub {
  private readonly conns = new Map<string, Set<Connection>>();
  /** `changed`: the inbox changed since the last flush began (not merely a connection was added). */
  /** `since`: when the oldest change not yet flushed was published (performance.now()), for latency. */
  private readonly flushing = new Map<string, FlushState>();
  private readonly unsubscribe: () => void;
  private readonly unwatchBus: () => void;
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
        for (const id of e.userIds) if (this.conns.has(id)) this.schedule(id, at);
        return;
      }
      // A broadcast: who is in its audience is the database's call (a session's role can be stale).
      const users = [...this.conns.keys()];
      if (e.row && this.source.broadcastGap) void this.broadcast(users, e.role, e.row, at);
      else for (const id of users) this.schedule(id, at);
    }));
    // While the bus is down, events from other instances can be missed: every live connection here
    // is ended so its client resumes from its cursor (here once the bus is back, or by polling the
    // database meanwhile), and connect() ends new ones until then.
    this.unwatchBus = bus.onHealthChange(this.scope.bind((up: boolean) => {
      if (up) return;
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

  /** `role`: the user's role as the session says, so a broadcast to another role passes them by. */
  connect(userId: string, cursor: number | null, transport: TransportName, sink: Sink, role?: string): Connection {
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
   * The broadcast fast path. One read for every connected user (roles and sign-up times from the
   * database, each one's newest own row below the broadcast, other broadcasts in between). A user
   * outside the audience hears nothing. A user whose connections are up to date with nothing in
   * between gets the row with their last count + 1, without a query of their own. Everyone else (a
   * gap, a flush running, a fresh connection) gets an ordinary flush, so nothing is skipped.
   */
  private async broadcast(userIds: readonly string[], role: string | null, payload: BroadcastRowPayload, at: number): Promise<void> {
    if (!userIds.length) return;
    const createdAt = new Date(payload.createdAt);
    const row: NotificationRow = { ...payload, createdAt, readAt: null };
    const ready = (id: string): Connection[] | null => {
      const set = this.conns.get(id);
      if (!set || this.flushing.has(id)) return null;
      const list = [...set];
      const ok = list.every((c) => !c.closed && !c.initial && c.lastSeq !== null && c.lastCount !== null && c.lastSeq < row.seq);
      return ok ? list : null;
    };
    let after = row.seq;
    for (const id of userIds) for (const c of this.conns.get(id) ?? []) after = Math.min(after, c.lastSeq ?? 0);
    let gap: BroadcastGap;
    try {
      gap = await this.source.broadcastGap!(userIds, after, row.seq);
    } catch (e) {
      console.error("[hub] broadcast read failed; flushing instead", e);
      for (const id of userIds) this.schedule(id, at);
      return;
    }
    // Withdrawn while we read: its withdrawal flushes everyone; deliver nothing of it.
    if (!gap.exists) return;
    const sinceMs = performance.now() - at;
    const sees = (v: { role: string; createdAt: Date }, b: { audienceRole: string | null; createdAt: Date }) =>
      (b.audienceRole === null || b.audienceRole === v.role) && b.createdAt >= v.createdAt;
    for (const id of userIds) {
      const viewer = gap.viewers.get(id);
      if (!viewer || !sees(viewer, { audienceRole: role, createdAt })) continue;
      const list = ready(id);
      const behind =
        !list ||
        list.some(
          (c) =>
            (gap.latestOwn.get(id) ?? 0) > c.lastSeq! ||
            gap.broadcasts.some((b) => b.seq > c.lastSeq! && b.seq < row.seq && sees(viewer, b)),
        );
      if (behind) {
        if ([...(this.conns.get(id) ?? [])].some((c) => c.lastSeq === null || c.lastSeq < row.seq)) this.schedule(id, at);
        continue;
      }
      for (const c of list) {
        c.lastSeq = row.seq;
        c.lastCount = c.lastCount! + 1;
        c.sink.send({ unreadCount: c.lastCount, cursor: c.cursor, notification: toDto(row) });
        this.observer?.delivered(c.transport, sinceMs);
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
        if (await this.flushOnce(userId, changed, since)) state.dirty = true;
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

  /** Returns true when more rows remain to replay. */
  private async flushOnce(userId: string, changed: boolean, since: number | null): Promise<boolean> {
    const list = [...(this.conns.get(userId) ?? [])];
    if (!list.length) return false;

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
    for (const c of list) {
      if (c.closed) continue;
      if (c.lastSeq === null) c.lastSeq = latest;
      let sent = false;
      for (const row of rows) {
        if (row.seq <= c.lastSeq) continue;
        c.lastSeq = row.seq;
        deliver(c, { unreadCount: count, cursor: c.cursor, notification: toDto(row) });
        sent = true;
      }
      // Still replaying: the state follows the last batch.
      if (more && c.lastSeq === batchEnd) continue;
      // Every change of the inbox reaches every connection, even when the count stays (a delete of a read item);
      // a connection added for the same user is not a change, so the others hear nothing of it.
      if (c.initial || (!sent && changed)) deliver(c, { unreadCount: count, cursor: c.cursor });
      c.initial = false;
    }
    return more;
  }
}

export function createHub(source: InboxSource, bus: Bus = new MemoryBus(), observer?: HubObserver): Hub {
  return new Hub(bus, source, observer);
}
