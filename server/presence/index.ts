import type { Logger } from "@/server/log";
import { MemoryPresenceStore, type PresenceStore } from "./store";

export { PresenceTracker, type PresenceSnapshot } from "./tracker";
export type { PresenceStore } from "./store";

/** Redis when REDIS_URL is set (shared by all instances), otherwise in memory. */
export async function createPresenceStore(redisUrl: string | undefined, log: Logger): Promise<PresenceStore> {
  if (!redisUrl) return new MemoryPresenceStore();
  const { RedisPresenceStore } = await import("./redis-store");
  return RedisPresenceStore.connect(redisUrl, log);
}
