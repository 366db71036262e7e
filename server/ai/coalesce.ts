/**
 * When a generation's text is coalesced into fewer `delta` frames (docs/ai.md, "Coalescing").
 *
 * Every delta costs one bus publish and one socket write per watching member, so 100 replies
 * at 20 chunks/s in 20-member rooms are 40,000 writes a second, enough to delay people's
 * messages. A reply's text published at most once per AI_DELTA_WINDOW_MS caps that. While few
 * replies run the cost is small and each chunk goes out at once: the lowest latency when it
 * is cheap, coalescing when it is not.
 */
import type { Config } from "@/server/config";

/** The delta window for a generation's next chunk, given how many generations run here. */
export function deltaWindowMs(config: Pick<Config, "AI_DELTA_WINDOW_MS" | "AI_COALESCE_FROM">, running: number): number {
  return running >= config.AI_COALESCE_FROM ? config.AI_DELTA_WINDOW_MS : 0;
}
