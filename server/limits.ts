/**
 * Rate limits with rate-limiter-flexible: in memory on one instance, in Redis when REDIS_URL
 * is set so a limit holds across every instance (in memory per instance while Redis is
 * down). Over the limit, `consume` throws
 * RATE_LIMITED with the time until the next point is available; nothing is done or stored.
 */
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorReason, type ClientFrame } from "@/protocol";
import type { Config } from "./config";
import { AppError } from "./errors";
import type { Logger } from "./log";

export type LimitKind = "message" | "auth" | "invite" | "room" | "search" | "upload" | "ai";

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
  search: "you are searching too fast",
  upload: "you are uploading files too fast",
  ai: "you are asking the assistant too often; wait a moment",
};

export async function createLimits(config: Config, log: Logger): Promise<Limits> {
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { protocol: 2, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Without a listener ioredis prints "Unhandled error event" on every failed reconnect.
    redis.on("error", (err: Error) => log.warn({ err: err.message, conn: "limits" }, "redis connection error"));
    await redis.connect();
  }
  // While Redis is unreachable each instance counts in memory instead (rate-limiter-flexible's
  // insurance limiter): a limit is briefly per instance, but chat keeps working — messages are
  // stored in the database and the bus backfills delivery once Redis is back.
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `confab:rl:${keyPrefix}`,
          points,
          duration,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: `insurance:${keyPrefix}`, points, duration }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });

  const limiters: Record<LimitKind, RateLimiterAbstract> = {
    message: make("msg", config.RATE_MESSAGES_PER_MIN, 60),
    auth: make("auth", config.RATE_AUTH_PER_MIN, 60),
    invite: make("invite", config.RATE_INVITES_PER_MIN, 60),
    room: make("room", config.RATE_ROOMS_PER_MIN, 60),
    search: make("search", config.RATE_SEARCHES_PER_MIN, 60),
    upload: make("upload", config.RATE_UPLOADS_PER_MIN, 60),
    ai: make("ai", config.RATE_AI_PER_MIN, 60),
  };
  const slow = new Map<number, RateLimiterAbstract>();

  return {
    consume: (kind, key) => take(limiters[kind], key, MESSAGES[kind]),
    slowMode(roomId, userId, seconds) {
      let limiter = slow.get(seconds);
      if (!limiter) slow.set(seconds, (limiter = make(`slow${seconds}`, 1, seconds)));
      return take(limiter, `${roomId}:${userId}`, `slow mode: one message every ${seconds} s`, ErrorReason.SLOW_MODE);
    },
    async close() {
      await redis?.quit().catch(() => {});
    },
  };
}

async function take(limiter: RateLimiterAbstract, key: string, message: string, reason?: ErrorReason): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new AppError("RATE_LIMITED", message, { retryAfterMs: Math.max(1, Math.ceil(err.msBeforeNext)), ...(reason && { reason }) });
    // Both stores failed: refuse rather than let traffic through unchecked.
    throw new AppError("UNAVAILABLE", "rate limiter unavailable; retry");
  }
}

// ---- Per-socket frame budgets -------------------------------------------------------------
// Every frame type is charged here, in memory and before any database or Redis work, so a
// flood costs the server a map look-up per frame. Budgets are per socket (a user has at most
// MAX_SOCKETS_PER_USER of them); the per-user message limit above still applies to `send`.

/** A token bucket: `burst` frames at once, refilled at `perSecond`. */
type Budget = { burst: number; perSecond: number };

export const FRAME_BUDGETS = {
  auth: { burst: 5, perSecond: 1 },
  join: { burst: 100, perSecond: 20 },
  leave: { burst: 100, perSecond: 20 },
  send: { burst: 500, perSecond: 200 },
  edit: { burst: 30, perSecond: 5 },
  delete: { burst: 30, perSecond: 5 },
  typing: { burst: 20, perSecond: 5 },
  read: { burst: 60, perSecond: 20 },
  delivered: { burst: 60, perSecond: 20 },
  react: { burst: 30, perSecond: 10 },
  presence: { burst: 10, perSecond: 2 },
  ping: { burst: 20, perSecond: 5 },
  watch: { burst: 20, perSecond: 2 },
  unwatch: { burst: 20, perSecond: 2 },
  cancel: { burst: 10, perSecond: 2 },
} as const satisfies Record<ClientFrame["type"], Budget>;

export type FrameKind = keyof typeof FRAME_BUDGETS;

/** One socket's buckets; `take` throws RATE_LIMITED when the frame type's bucket is empty. */
export class FrameBudgets {
  /** Created on the first frame after `ready`: a socket that only listens never needs it. */
  private tokens: Map<FrameKind, { left: number; at: number }> | undefined;

  constructor(
    private readonly scale: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(kind: FrameKind): void {
    const { burst, perSecond } = FRAME_BUDGETS[kind];
    // At least one frame of each type, however small the scale.
    const capacity = Math.max(1, burst * this.scale);
    const rate = perSecond * this.scale;
    const now = this.now();
    this.tokens ??= new Map();
    const bucket = this.tokens.get(kind) ?? { left: capacity, at: now };
    bucket.left = Math.min(capacity, bucket.left + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.tokens.set(kind, bucket);
    if (bucket.left < 1) {
      throw new AppError("RATE_LIMITED", `too many ${kind} frames; slow down`, { retryAfterMs: Math.ceil(((1 - bucket.left) / rate) * 1000) });
    }
    bucket.left -= 1;
  }
}

/**
 * Sockets that have not authenticated yet, per address and in total: each holds memory and a
 * timer for up to the auth timeout, so they are capped before the upgrade completes.
 */
export class PendingHandshakes {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Counts a handshake in and returns its release, or says which cap refused it. */
  admit(address: string): { release: () => void } | { refused: "total" | "address" } {
    if (this.total >= this.maxTotal) return { refused: "total" };
    const mine = this.perAddress.get(address) ?? 0;
    if (mine >= this.maxPerAddress) return { refused: "address" };
    this.total++;
    this.perAddress.set(address, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      },
    };
  }
}
