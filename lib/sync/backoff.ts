/**
 * Reconnect schedule: at once, then 1, 2, 4 and 8 s, then every 30 s for as long as it takes
 * (the connection banner offers "Retry now" meanwhile). Attempts count from the last `ready`.
 */
export const RECONNECT_DELAYS_MS: readonly number[] = [0, 1_000, 2_000, 4_000, 8_000];
export const RECONNECT_EVERY_MS = 30_000;

/** Delay before reconnect attempt `attempt` (0 = the first after a drop). */
export function reconnectDelay(attempt: number): number {
  return RECONNECT_DELAYS_MS[attempt] ?? RECONNECT_EVERY_MS;
}
