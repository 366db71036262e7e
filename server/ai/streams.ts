/**
 * Catch-up for readers of a room (WebSocket joins, SSE): the room's replies still streaming.
 * Subscribe to the room first, then call this; each entry's `message.content` is the text so
 * far and `nextIndex` the first `delta` index it does not include: drop live deltas of that
 * message below it, apply the rest. Filter by what the reader may see (`canSee`) yourself.
 */
import { getRuntime } from "@/server/runtime";
import type { DeltaRef, StreamingSnapshot } from "./service";

export type { DeltaRef, StreamingSnapshot } from "./service";

/** Where delta `index` of a reply ends in its text, when this instance generates it (else null). */
export function streamingDeltaEnd(messageId: string, index: number): number | null {
  return getRuntime().ai?.deltaEnd(messageId, index) ?? null;
}

/** `deltaEndOf`: also learn where that delta ends in its reply's text (`StreamingSnapshot.deltaEnd`). */
export function streamingSnapshot(roomId: string, deltaEndOf?: DeltaRef): Promise<StreamingSnapshot[]> {
  const ai = getRuntime().ai;
  return ai ? ai.streamingSnapshot(roomId, deltaEndOf) : Promise.resolve([]);
}
