/**
 * MAX_SOCKETS_PER_USER as a cap across every instance. Each open socket holds a claim: in
 * memory on the embedded server, in Redis (one sorted set per user, member = instance and
 * socket, score = expiry) with several instances. An instance refreshes its claims while its
 * sockets live, so the claims of an instance that died expire within the TTL.
 */
import type { Redis } from "ioredis";
import type { Logger } from "@/server/log";

export interface SocketCap {
  /** Counts this socket against its user's cap; false (and nothing counted) when the cap is reached. */
  claim(userId: string, connId: string): Promise<boolean>;
  release(userId: string, connId: string): Promise<void>;
  close(): Promise<void>;
}

export class LocalSocketCap implements SocketCap {
  private readonly users = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  async claim(userId: string, connId: string): Promise<boolean> {
    const sockets = this.users.get(userId) ?? new Set<string>();
    if (sockets.size >= this.max) return false;
    sockets.add(connId);
    this.users.set(userId, sockets);
    return true;
  }

  async release(userId: string, connId: string): Promise<void> {
    const sockets = this.users.get(userId);
    if (!sockets?.delete(connId)) return;
    if (sockets.size === 0) this.users.delete(userId);
  }

  async close(): Promise<void> {}
}

const key = (userId: string) => `confab:sockets:${userId}`;

/** Drops expired claims, then adds this one if the user is under the cap, atomically. */
const CLAIM_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

export class RedisSocketCap implements SocketCap {
  /** This instance's claims: userId → members. */
  private readonly mine = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.refresh(), Math.max(100, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  async claim(userId: string, connId: string): Promise<boolean> {
    const member = `${this.instanceId}|${connId}`;
    let ok: unknown;
    try {
      ok = await this.redis.eval(CLAIM_SCRIPT, 1, key(userId), Date.now(), this.ttlMs, this.max, member);
    } catch (err) {
      // Redis down: the cap holds per instance until it is back, rather than refusing everyone.
      this.log.warn({ err, userId }, "socket cap: Redis unavailable, counting on this instance");
      ok = (this.mine.get(userId)?.size ?? 0) < this.max ? 1 : 0;
    }
    if (ok !== 1) return false;
    const members = this.mine.get(userId) ?? new Set<string>();
    members.add(member);
    this.mine.set(userId, members);
    return true;
  }

  async release(userId: string, connId: string): Promise<void> {
    const member = `${this.instanceId}|${connId}`;
    const members = this.mine.get(userId);
    if (!members?.delete(member)) return;
    if (members.size === 0) this.mine.delete(userId);
    await this.redis.zrem(key(userId), member).catch((err: unknown) => this.log.warn({ err, userId }, "socket cap: release failed"));
  }

  /** Keeps this instance's claims alive, one pipelined round trip for all of them. */
  private async refresh(): Promise<void> {
    if (this.mine.size === 0) return;
    const expires = Date.now() + this.ttlMs;
    const pipeline = this.redis.pipeline();
    for (const [userId, members] of this.mine) {
      for (const member of members) pipeline.zadd(key(userId), "XX", expires, member);
      pipeline.pexpire(key(userId), this.ttlMs);
    }
    try {
      await pipeline.exec();
    } catch (err) {
      this.log.warn({ err }, "socket cap: refresh failed");
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const pipeline = this.redis.pipeline();
    for (const [userId, members] of this.mine) pipeline.zrem(key(userId), ...members);
    this.mine.clear();
    await pipeline.exec().catch(() => {});
    this.redis.disconnect();
  }
}

export async function createSocketCap(redisUrl: string | undefined, max: number, ttlMs: number, instanceId: string, log: Logger): Promise<SocketCap> {
  if (!redisUrl) return new LocalSocketCap(max);
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on("error", (err: Error) => log.warn({ err: err.message, conn: "socket-cap" }, "redis connection error"));
  await redis.connect();
  return new RedisSocketCap(redis, instanceId, max, ttlMs, log);
}
