/**
 * How long a generation's text may wait to join the text after it in one `delta` frame
 * (docs/ai.md, "Coalescing").
 *
 * Every delta costs one bus publish and one socket write per watching member, so 100 replies
 * at 20 chunks/s in 20-member rooms are 40,000 frames a second, enough to delay people's
 * messages. While few replies run the cost is small and each chunk goes out at once. From
 * AI_COALESCE_FROM replies on, the window grows in step with the replies running, so the
 * delta frames a second stay what AI_COALESCE_FROM replies cost at AI_DELTA_WINDOW_MS however
 * many run: the share of the event loop that streaming takes is bounded by the count, not
 * multiplied by it. A loop already running late (other work, a starved CPU) widens it further.
 * Both are capped at AI_DELTA_WINDOW_MAX_MS: past it the text would arrive in lumps too far
 * apart to read as streaming, and the load is better moved to another instance.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Config } from "@/server/config";

export type DeltaWindowConfig = Pick<Config, "AI_DELTA_WINDOW_MS" | "AI_COALESCE_FROM" | "AI_DELTA_WINDOW_MAX_MS">;

export interface DeltaLoad {
  /** Generations running on this instance. */
  running: number;
  /** How late the event loop has lately run its timers, ms (mean, smoothed; see LoopLag). */
  lagMs: number;
}

/**
 * Mean event-loop lateness a loop with room to spare stays under. Each multiple of it widens
 * the window by one AI_DELTA_WINDOW_MS (lag 2 × this: twice the base window).
 */
export const LAG_TARGET_MS = 5;

/** The delta window, ms; 0: every provider chunk is its own delta, at once. */
export function deltaWindowMs(config: DeltaWindowConfig, { running, lagMs }: DeltaLoad): number {
  const { AI_DELTA_WINDOW_MS: base, AI_COALESCE_FROM: from } = config;
  if (base === 0 || running < from) return 0;
  const byCount = (base * running) / from;
  const byLag = (base * Math.max(0, lagMs)) / LAG_TARGET_MS;
  const max = Math.max(base, config.AI_DELTA_WINDOW_MAX_MS);
  return Math.round(Math.min(max, Math.max(base, byCount, byLag)));
}

/** Timer resolution of the lag sampler, ms. */
const LAG_RESOLUTION_MS = 10;
/** Weight of the newest sample in the smoothed lag: a few windows of calm bring it back down. */
const LAG_SMOOTHING = 0.3;

/**
 * The event loop's lateness while generations run: node's delay sampler (a native timer every
 * LAG_RESOLUTION_MS, no JavaScript on the loop) read once per delta window, its mean lateness
 * over that window smoothed across windows. Off while nothing generates.
 */
export class LoopLag {
  private readonly histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private smoothed = 0;
  private running = false;

  /** Starts sampling when generations run, stops (and forgets) when none do. */
  track(generations: number): void {
    if (generations > 0 && !this.running) {
      this.running = true;
      this.histogram.reset();
      this.histogram.enable();
    } else if (generations === 0 && this.running) {
      this.running = false;
      this.histogram.disable();
      this.smoothed = 0;
    }
  }

  /** The smoothed lag, ms, after folding in what was sampled since the last call. */
  sample(): number {
    if (this.running && this.histogram.count > 0) {
      // Each sample is the interval between the sampler's timer runs: the resolution plus the lateness.
      const lateMs = Math.max(0, this.histogram.mean / 1e6 - LAG_RESOLUTION_MS);
      this.smoothed += (lateMs - this.smoothed) * LAG_SMOOTHING;
      this.histogram.reset();
    }
    return this.smoothed;
  }

  /** The smoothed lag without sampling. */
  get ms(): number {
    return this.smoothed;
  }
}
