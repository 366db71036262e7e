import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Bus, BusEvent, BusListener } from "./types";

/**
 * Fan-out between instances over Redis pub/sub. The subscriber is a dedicated connection
 * (a subscribed connection cannot run other commands); ioredis resubscribes on reconnect,
 * and because pub/sub drops whatever was published meanwhile, every reconnect after the
 * first fires `onResync` so the gateway backfills from the database.
 */
export class RedisBus implements Bus {
  readonly kind = "redis";
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly listeners: BusListener[] = [];
  private readonly resyncListeners: Array<() => void> = [];
  private readyOnce = false;

  private constructor(url: string, private readonly log: Logger) {
    this.pub = new Redis(url, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = this.pub.duplicate({ autoResubscribe: true });
    this.sub.on("message", (channel: string, payload: string) => {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        this.log.warn({ channel }, "dropping malformed bus payload");
        return;
      }
      for (const listener of this.listeners) listener(channel, event);
    });
    this.sub.on("ready", () => {
      if (this.readyOnce) {
        this.log.warn("redis subscriber reconnected; resyncing rooms from the database");
        for (const listener of this.resyncListeners) listener();
      }
      this.readyOnce = true;
    });
    for (const [name, conn] of [["publisher", this.pub], ["subscriber", this.sub]] as const) {
      conn.on("error", (err: Error) => this.log.warn({ err: err.message, conn: name }, "redis connection error"));
    }
  }

  static async connect(url: string, log: Logger): Promise<RedisBus> {
    const bus = new RedisBus(url, log);
    await bus.pub.connect();
    if (bus.sub.status === "wait") await bus.sub.connect();
    return bus;
  }

  /** The publishing connection, shared with other Redis users (presence, rate limits). */
  get client(): Redis {
    return this.pub;
  }

  async publish(topic: string, event: BusEvent): Promise<void> {
    await this.pub.publish(topic, JSON.stringify(event));
  }

  async subscribe(topic: string): Promise<void> {
    await this.sub.subscribe(topic);
  }

  async unsubscribe(topic: string): Promise<void> {
    await this.sub.unsubscribe(topic);
  }

  onEvent(listener: BusListener): void {
    this.listeners.push(listener);
  }

  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
