/**
 * One generation per user, across instances: a lock per user held from the request's check
 * until its reply finishes. In memory embedded; in Redis (SET NX with an expiry refreshed while
 * the generation runs) distributed, so an instance that dies frees its users within the TTL.
 */
import { Redis } from "ioredis";
import type { Logger } from "@/server/log";

/** What a lock records: the request being answered, and its reply once it exists. */
export type Holder = { room: string; client: string; request?: string; reply?: string };

export interface GenerationLocks {
  /** Takes the user's lock, or returns who holds it. */
  acquire(userId: string, holder: Holder): Promise<{ ok: true } | { ok: false; holder: Holder }>;
  /** Records progress (the request stored, the reply created) in a lock this caller holds. */
  update(userId: string, holder: Holder): Promise<void>;
  release(userId: string, client: string): Promise<void>;
  close(): Promise<void>;
}

/** How long a lock outlives its last refresh (an instance died mid-generation). */
const LOCK_TTL_MS = 30_000;

export class MemoryLocks implements GenerationLocks {
  private readonly held = new Map<string, Holder>();

  async acquire(userId: string, holder: Holder) {
    const current = this.held.get(userId);
    if (current) return { ok: false as const, holder: current };
    this.held.set(userId, holder);
    return { ok: true as const };
  }

  async update(userId: string, holder: Holder) {
    if (this.held.get(userId)?.client === holder.client) this.held.set(userId, holder);
  }

  async release(userId: string, client: string) {
    if (this.held.get(userId)?.client === client) this.held.delete(userId);
  }

  async close() {}
}

const RELEASE = `if redis.call("get", KEYS[1]) and cjson.decode(redis.call("get", KEYS[1])).client == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
const UPDATE = `if redis.call("get", KEYS[1]) and cjson.decode(redis.call("get", KEYS[1])).client == ARGV[1] then return redis.call("set", KEYS[1], ARGV[2], "PX", ARGV[3]) end return 0`;

export class RedisLocks implements GenerationLocks {
  private readonly refreshers = new Map<string, NodeJS.Timeout>();

  private constructor(private readonly redis: Redis) {}

  static async connect(url: string, log: Logger): Promise<RedisLocks> {
    const redis = new Redis(url, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on("error", (err: Error) => log.warn({ err: err.message, conn: "ai-locks" }, "redis connection error"));
    await redis.connect();
    return new RedisLocks(redis);
  }

  async acquire(userId: string, holder: Holder) {
    const key = lockKey(userId);
    for (;;) {
      if ((await this.redis.set(key, JSON.stringify(holder), "PX", LOCK_TTL_MS, "NX")) === "OK") {
        this.refresh(userId, holder);
        return { ok: true as const };
      }
      const current = await this.redis.get(key);
      // Expired between the two commands: try again.
      if (current) return { ok: false as const, holder: JSON.parse(current) as Holder };
    }
  }

  /** Keeps the lock alive while its generation runs. */
  private refresh(userId: string, holder: Holder): void {
    clearInterval(this.refreshers.get(userId));
    let value = JSON.stringify(holder);
    const timer = setInterval(() => {
      void this.redis.eval(UPDATE, 1, lockKey(userId), holder.client, value, LOCK_TTL_MS).catch(() => {});
    }, LOCK_TTL_MS / 3);
    timer.unref();
    this.refreshers.set(userId, timer);
    this.values.set(userId, (next) => (value = next));
  }

  private readonly values = new Map<string, (value: string) => void>();

  async update(userId: string, holder: Holder) {
    const value = JSON.stringify(holder);
    this.values.get(userId)?.(value);
    await this.redis.eval(UPDATE, 1, lockKey(userId), holder.client, value, LOCK_TTL_MS);
  }

  async release(userId: string, client: string) {
    clearInterval(this.refreshers.get(userId));
    this.refreshers.delete(userId);
    this.values.delete(userId);
    await this.redis.eval(RELEASE, 1, lockKey(userId), client);
  }

  async close() {
    for (const timer of this.refreshers.values()) clearInterval(timer);
    await this.redis.quit().catch(() => {});
  }
}

const lockKey = (userId: string) => `confab:ai:gen:${userId}`;
