/**
 * Rate limits with rate-limiter-flexible: in memory on one instance, in Redis when REDIS_URL
 * is set so a limit holds across every instance. Over the limit, `consume` throws
 * RATE_LIMITED with the time until the next point is available; nothing is done or stored.
 */
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "./config";
import { AppError } from "./errors";
import type { Logger } from "./log";

export type LimitKind = "message" | "auth" | "invite" | "room";

export interface Limits {
  consume(kind: LimitKind, key: string): Promise<void>;
  /** One message per `seconds` per member of a room in slow mode. */
  slowMode(roomId: string, userId: string, seconds: number): Promise<void>;
  close(): Promise<void>;
}

const MESSAGES: Record<LimitKind, string> = {
  message: "you are sending messages too fast",
  auth: "too many attempts; wait a moment",
  invite: "too many attempts; wait a moment",
  room: "you are creating rooms too fast",
};

export async function createLimits(config: Config, log: Logger): Promise<Limits> {
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { protocol: 2, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Without a listener ioredis prints "Unhandled error event" on every failed reconnect.
    redis.on("error", (err: Error) => log.warn({ err: err.message, conn: "limits" }, "redis connection error"));
    await redis.connect();
  }
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `confab:rl:${keyPrefix}`, points, duration }) : new RateLimiterMemory({ keyPrefix, points, duration });

  const limiters: Record<LimitKind, RateLimiterAbstract> = {
    message: make("msg", config.RATE_MESSAGES_PER_MIN, 60),
    auth: make("auth", config.RATE_AUTH_PER_MIN, 60),
    invite: make("invite", config.RATE_INVITES_PER_MIN, 60),
    room: make("room", config.RATE_ROOMS_PER_MIN, 60),
  };
  const slow = new Map<number, RateLimiterAbstract>();

  return {
    consume: (kind, key) => take(limiters[kind], key, MESSAGES[kind]),
    slowMode(roomId, userId, seconds) {
      let limiter = slow.get(seconds);
      if (!limiter) slow.set(seconds, (limiter = make(`slow${seconds}`, 1, seconds)));
      return take(limiter, `${roomId}:${userId}`, `slow mode: one message every ${seconds} s`);
    },
    async close() {
      await redis?.quit().catch(() => {});
    },
  };
}

async function take(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new AppError("RATE_LIMITED", message, { retryAfterMs: Math.max(1, Math.ceil(err.msBeforeNext)) });
    // The store itself failed (Redis down): refuse rather than let traffic through unchecked.
    throw new AppError("UNAVAILABLE", "rate limiter unavailable; retry");
  }
}
