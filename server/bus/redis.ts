import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Bus, BusEvent, BusListener } from "./types";

/**
 * Fan-out between instances over Redis pub/sub. The subscriber is a dedicated connection
 * (a subscribed connection cannot run other commands). Pub/sub drops whatever is published
 * while a subscriber is away, so after every reconnect this bus re-subscribes its topics itself
 * and fires `onResync` only once Redis confirmed them: ioredis' own auto-resubscribe runs after
 * `ready`, and a backfill taken at `ready` could miss what is published before it completes.
 */
export class RedisBus implements Bus {
  readonly kind = "redis";
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly listeners: BusListener[] = [];
  private readonly resyncListeners: Array<() => void> = [];
  private readyOnce = false;
  private readonly topics = new Set<string>();

  private constructor(
    url: string,
    private readonly log: Logger,
    private readonly typingTtlMs: number,
  ) {
    this.pub = new Redis(url, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
    this.sub = this.pub.duplicate({ autoResubscribe: false, enableAutoPipelining: false });
    this.sub.on("message", (channel: string, payload: string) => {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        this.log.warn({ channel }, "dropping malformed bus payload");
        return;
      }
      for (const listener of this.listeners) listener(channel, event, payload);
    });
    this.sub.on("ready", () => {
      if (!this.readyOnce) {
        this.readyOnce = true;
        return;
      }
      void this.resubscribe();
    });
    for (const [name, conn] of [["publisher", this.pub], ["subscriber", this.sub]] as const) {
      conn.on("error", (err: Error) => this.log.warn({ err: err.message, conn: name }, "redis connection error"));
    }
  }

  static async connect(url: string, log: Logger, typingTtlMs: number): Promise<RedisBus> {
    const bus = new RedisBus(url, log, typingTtlMs);
    await bus.pub.connect();
    if (bus.sub.status === "wait") await bus.sub.connect();
    return bus;
  }

  /** The publishing connection, shared with other Redis users (presence, rate limits). */
  get client(): Redis {
    return this.pub;
  }

  async publish(topic: string, event: BusEvent): Promise<void> {
    if (event.type === "typing") void this.recordTyping(event).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, "typing snapshot failed"));
    await this.pub.publish(topic, JSON.stringify(event));
  }

  /** Keeps a per-room sorted set of typists by expiry, read by instances that join the room later. */
  private async recordTyping(event: Extract<BusEvent, { type: "typing" }>): Promise<void> {
    const key = typingKey(event.room);
    const member = JSON.stringify(event.user);
    if (event.state === "stop") {
      await this.pub.zrem(key, member);
      return;
    }
    const expires = Date.now() + this.typingTtlMs;
    await this.pub.multi().zadd(key, expires, member).pexpire(key, this.typingTtlMs).exec();
  }

  async typists(room: string): Promise<Array<{ user: { id: string; username: string }; ttlMs: number }>> {
    const now = Date.now();
    const entries = await this.pub.zrangebyscore(typingKey(room), now, "+inf", "WITHSCORES");
    const typists: Array<{ user: { id: string; username: string }; ttlMs: number }> = [];
    for (let i = 0; i + 1 < entries.length; i += 2) {
      typists.push({ user: JSON.parse(entries[i]!) as { id: string; username: string }, ttlMs: Number(entries[i + 1]) - now });
    }
    return typists;
  }

  private async resubscribe(): Promise<void> {
    try {
      if (this.topics.size) await this.sub.subscribe(...this.topics);
    } catch (err) {
      // The connection dropped again; the next `ready` tries again.
      this.log.warn({ err: (err as Error).message }, "redis resubscribe failed");
      return;
    }
    this.log.warn({ topics: this.topics.size }, "redis subscriber reconnected; resyncing rooms from the database");
    for (const listener of this.resyncListeners) listener();
  }

  async subscribe(topic: string): Promise<void> {
    this.topics.add(topic);
    await this.sub.subscribe(topic);
  }

  async unsubscribe(topic: string): Promise<void> {
    this.topics.delete(topic);
    await this.sub.unsubscribe(topic);
  }

  onEvent(listener: BusListener): void {
    this.listeners.push(listener);
  }

  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }

  async ping(): Promise<boolean> {
    // A subscriber that lost its connection delivers nothing even while publishing still works.
    if (this.pub.status !== "ready" || this.sub.status !== "ready") return false;
    return this.pub.ping().then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

const typingKey = (room: string) => `typing:${room}`;
