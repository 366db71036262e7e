import type { Logger } from "pino";
import { MemoryBus } from "./memory";
import type { Bus } from "./types";

export type { Bus, BusEvent, BusListener, EvictReason } from "./types";
export { publishFrame, publishToUser, publishTyping, roomTopic, SITE_TOPIC, userTopic } from "./types";

/** Redis when REDIS_URL is set, otherwise in-process. */
export async function createBus(redisUrl: string | undefined, log: Logger, typingTtlMs: number): Promise<Bus> {
  if (!redisUrl) return new MemoryBus();
  const { RedisBus } = await import("./redis");
  return RedisBus.connect(redisUrl, log, typingTtlMs);
}
