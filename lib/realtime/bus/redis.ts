import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis, RedisOptions } from "ioredis";
import { z } from "zod";
import { type Bus, type BusEvent, busEventSchema } from "./types";

/** The one channel every instance of a deployment publishes on and listens to. */
export const BUS_CHANNEL = "notif:events";
/** The subscriber pings this often, so a connection that went silent (half-open TCP) is noticed. */
export const HEARTBEAT_MS = 10_000;
/** A command unanswered this long ends its connection (ioredis then reconnects). */
export const SOCKET_TIMEOUT_MS = 5_000;

/** What goes over Redis: the event and the instance that published it. */
const envelopeSchema = z.object({ from: z.string().min(1), event: busEventSchema });
type Envelope = z.infer<typeof envelopeSchema>;

export type RedisBusOptions = {
  url: string;
  /** Tests pass a channel of their own, so parallel runs never hear each other. */
  channel?: string;
  heartbeatMs?: number;
  socketTimeoutMs?: number;
};

/** One line per kind per minute at most: a flapping Redis or a stream of bad messages must not flood the log. */
function throttledWarn(label: string, everyMs = 60_000): (detail: string) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (detail) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed++;
      return;
    }
    const more = suppressed ? ` (and ${suppressed} more since the last report)` : "";
    last = now;
    suppressed = 0;
    console.warn(`[bus] ${label}: ${detail}${more}`);
  };
}

/**
 * The bus between instances: Redis pub/sub on one channel, one connection to publish and one to
 * listen. Pub/sub is at most once; that is enough because the database holds every notification
 * and cursor, and while the subscriber is down the hub ends its live connections (see
 * docs/decisions/008-redis-bus.md).
 */
export class RedisBus implements Bus {
  /** Marks this instance's messages, so their echo from Redis is dropped. */
  readonly instanceId = randomUUID();
  readonly channel: string;
  private readonly handlers = new Set<(event: BusEvent) => void>();
  private readonly healthListeners = new Set<(healthy: boolean) => void>();
  private pub: Redis | null = null;
  private sub: Redis | null = null;
  /** Messages published before ioredis has loaded (the process's first milliseconds), in order. */
  private pending: string[] = [];
  private subscribed = false;
  /** Bumped on every connect and disconnect of the subscriber: a SUBSCRIBE reply from an older connection counts for nothing. */
  private epoch = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly started: Promise<void>;
  private readonly warnMalformed = throttledWarn("ignored a malformed message");
  private readonly warnPublish = throttledWarn("publish failed");
  private readonly warnConnection = throttledWarn("redis connection");
  private readonly warnDown = throttledWarn("subscriber down", 10_000);

  constructor(private readonly opts: RedisBusOptions) {
    this.channel = opts.channel ?? BUS_CHANNEL;
    this.started = this.start().catch((e: unknown) => console.error("[bus] the Redis bus did not start", e));
  }

  publish(event: BusEvent): void {
    // This instance's hub hears the event at once, as with MemoryBus (no Redis round trip on the
    // latency path); the copy Redis echoes back carries our instanceId and is dropped on arrival.
    // So every hub hears each event once, and this one even while Redis is unreachable.
    queueMicrotask(() => this.deliver(event));
    const message = JSON.stringify({ from: this.instanceId, event } satisfies Envelope);
    if (this.pub) this.send(this.pub, message);
    else if (!this.closed) this.pending.push(message);
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** True only while the subscriber is connected and Redis has confirmed the subscription. */
  healthy(): boolean {
    return this.subscribed;
  }

  onHealthChange(listener: (healthy: boolean) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    await this.started;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.setSubscribed(false);
    await Promise.all(
      [this.sub, this.pub].map(async (c) => {
        if (!c) return;
        // QUIT lets queued publishes go out first; a connection that is not up has nothing to flush.
        if (c.status === "ready") await c.quit().catch(() => c.disconnect());
        else c.disconnect();
      }),
    );
  }

  private async start(): Promise<void> {
    // Loaded here, not at the top: a process without REDIS_URL never loads the client.
    const { Redis } = await import("ioredis");
    if (this.closed) return;
    const tag = `${process.pid}-${this.instanceId.slice(0, 8)}`;
    const common: RedisOptions = { socketTimeout: this.opts.socketTimeoutMs ?? SOCKET_TIMEOUT_MS };
    // The default offline queue keeps publishes made while the publisher reconnects, so a blip of
    // that connection alone does not lose them.
    const pub = new Redis(this.opts.url, { ...common, connectionName: `notif-bus-pub-${tag}` });
    // autoResubscribe is ours (on every "ready"), so health turns true only on Redis's confirmation.
    const sub = new Redis(this.opts.url, { ...common, connectionName: `notif-bus-sub-${tag}`, autoResubscribe: false });
    pub.on("error", (e: Error) => this.warnConnection(`publisher: ${e.message}`));
    sub.on("error", (e: Error) => this.warnConnection(`subscriber: ${e.message}`));
    sub.on("ready", () => this.resubscribe(sub));
    sub.on("close", () => {
      this.epoch++;
      this.setSubscribed(false);
    });
    sub.on("message", (channel: string, message: string) => this.receive(channel, message));
    this.pub = pub;
    this.sub = sub;
    for (const m of this.pending) this.send(pub, m);
    this.pending = [];
    this.heartbeat = setInterval(() => {
      // Unanswered within socketTimeout, the ping ends the connection: "close", then a reconnect.
      if (sub.status === "ready") sub.ping().catch(() => {});
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private resubscribe(sub: Redis): void {
    const epoch = ++this.epoch;
    sub.subscribe(this.channel).then(
      () => {
        if (epoch === this.epoch && !this.closed) this.setSubscribed(true);
      },
      // The connection is going away (its "close" follows, then "ready" again) or Redis refused it.
      (e: Error) => this.warnConnection(`subscribe: ${e.message}`),
    );
  }

  private setSubscribed(up: boolean): void {
    if (up === this.subscribed) return;
    this.subscribed = up;
    if (!up && !this.closed) this.warnDown("events from other instances may be missed until it is back");
    for (const listener of [...this.healthListeners]) {
      try {
        listener(up);
      } catch (e) {
        console.error("[bus] health listener failed", e);
      }
    }
  }

  private send(pub: Redis, message: string): void {
    pub.publish(this.channel, message).catch((e: Error) => this.warnPublish(e.message));
  }

  private receive(channel: string, message: string): void {
    if (channel !== this.channel) return;
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return this.warnMalformed(`not JSON: ${message.slice(0, 80)}`);
    }
    const parsed = envelopeSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.warnMalformed(`${issue?.path.join(".") || "message"}: ${issue?.message ?? "invalid"}`);
    }
    if (parsed.data.from === this.instanceId) return;
    this.deliver(parsed.data.event);
  }

  private deliver(event: BusEvent): void {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch (e) {
        console.error("[bus] handler failed", e);
      }
    }
  }
}
