import type { PresenceStatus } from "@/protocol";

export type Status = (typeof PresenceStatus)[number];

const PRIORITY: Record<Status, number> = { dnd: 3, online: 2, idle: 1, away: 0 };

/**
 * One status for a user from the statuses of their tabs (and instances): do-not-disturb is
 * a choice that wins; otherwise the most present tab decides (one active tab means online).
 */
export function mergeStatuses(statuses: Iterable<Status>): Status | null {
  let best: Status | null = null;
  for (const status of statuses) if (best === null || PRIORITY[status] > PRIORITY[best]) best = status;
  return best;
}
