import { Redis } from "ioredis";
import type { Logger } from "@/server/log";
import type { PresenceStore } from "./store";
import type { Status } from "./status";

const EXPIRY_SET = "confab:presence:expiry";
const userKey = (userId: string) => `confab:presence:user:${userId}`;

/**
 * Atomically takes entries whose expiry passed: removes them from the expiry set and from
 * their user's hash (unless the instance refreshed it meanwhile) and returns their members.
 */
const CLAIM_SCRIPT = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
local claimed = {}
for _, member in ipairs(members) do
  if redis.call('ZREM', KEYS[1], member) == 1 then
    local sep = string.find(member, '|', 1, true)
    local user = string.sub(member, 1, sep - 1)
    local instance = string.sub(member, sep + 1)
    local key = ARGV[2] .. user
    local value = redis.call('HGET', key, instance)
    if value then
      local expires = tonumber(string.match(value, '|(%d+)$'))
      if expires and expires <= tonumber(ARGV[1]) then redis.call('HDEL', key, instance) end
    end
    table.insert(claimed, user)
  end
end
return claimed
`;

export class RedisPresenceStore implements PresenceStore {
  private constructor(private readonly redis: Redis) {}

  static async connect(url: string, log: Logger): Promise<RedisPresenceStore> {
    const redis = new Redis(url, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints "Unhandled error event" on every failed reconnect.
    redis.on("error", (err: Error) => log.warn({ err: err.message, conn: "presence" }, "redis connection error"));
    await redis.connect();
    return new RedisPresenceStore(redis);
  }

  async set(userId: string, instanceId: string, status: Status, ttlMs: number) {
    await this.setMany([{ userId, status }], instanceId, ttlMs);
  }

  async setMany(entries: ReadonlyArray<{ userId: string; status: Status }>, instanceId: string, ttlMs: number) {
    if (entries.length === 0) return;
    const expiresAt = Date.now() + ttlMs;
    const multi = this.redis.multi();
    for (const { userId, status } of entries) {
      multi
        .hset(userKey(userId), instanceId, `${status}|${expiresAt}`)
        .pexpire(userKey(userId), ttlMs * 4)
        .zadd(EXPIRY_SET, expiresAt, `${userId}|${instanceId}`);
    }
    await multi.exec();
  }

  async remove(userId: string, instanceId: string) {
    await this.redis.multi().hdel(userKey(userId), instanceId).zrem(EXPIRY_SET, `${userId}|${instanceId}`).exec();
  }

  async get(userIds: string[]) {
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.hgetall(userKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Map(
      userIds.map((id, i) => {
        const hash = (results[i]?.[1] ?? {}) as Record<string, string>;
        const live = Object.values(hash).flatMap((value) => {
          const [status, expires] = value.split("|");
          return Number(expires) > now ? [status as Status] : [];
        });
        return [id, live];
      }),
    );
  }

  async claimExpired(now: number) {
    return (await this.redis.eval(CLAIM_SCRIPT, 1, EXPIRY_SET, String(now), "confab:presence:user:")) as string[];
  }

  async close() {
    await this.redis.quit().catch(() => {});
  }
}
