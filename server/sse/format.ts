/**
 * Server-sent events framing for room streams: which socket frames travel, the `id:` each
 * one carries, and how a `Last-Event-ID` reads back.
 *
 * Ids name a position in the room's message sequence: `<seq>` after a message (or an update
 * or deletion of it), `<seq>.<index>` after delta `index` of the streaming message `seq`.
 * Typing and reaction events are not replayed, so they repeat the id of the event before them:
 * resuming from them is resuming from that event, and no message is ever skipped.
 */
import type { ServerFrame } from "@/protocol";
import type { Encoded } from "@/server/realtime/send";

/** The socket frames a room's event stream carries, under the same names. */
export const SSE_EVENT_TYPES: ReadonlySet<string> = new Set(["message", "message_updated", "message_deleted", "delta", "typing", "reaction"]);

/** Where a stream (re)starts: after message `seq`, and after delta `index` of that message when given. */
export type StreamPosition = { seq: number; index?: number };

const LAST_EVENT_ID = /^(\d{1,15})(?:\.(\d{1,9}))?$/;

/** Reads a `Last-Event-ID`; null when it is not one of ours. */
export function parseEventId(raw: string): StreamPosition | null {
  const match = LAST_EVENT_ID.exec(raw.trim());
  if (!match) return null;
  const seq = Number(match[1]);
  return match[2] === undefined ? { seq } : { seq, index: Number(match[2]) };
}

export const formatEventId = (position: StreamPosition) => (position.index === undefined ? String(position.seq) : `${position.seq}.${position.index}`);

/**
 * The position an event leaves the stream at: its own for messages and deltas, `current`
 * for ephemeral events.
 */
export function positionAfter(frame: ServerFrame, current: StreamPosition): StreamPosition {
  if (frame.type === "message" || frame.type === "message_updated" || frame.type === "message_deleted") return { seq: frame.message.seq };
  if (frame.type === "delta") return { seq: frame.seq, index: frame.index };
  return current;
}

/** One event: the frame's JSON (already encoded for sockets) as its single `data:` line. */
export function formatEvent(type: string, id: StreamPosition, data: Encoded): string {
  // JSON.stringify escapes line breaks, so the frame is always one `data:` line.
  return `id: ${formatEventId(id)}\nevent: ${type}\ndata: ${typeof data === "string" ? data : data.toString("utf8")}\n\n`;
}

/** A comment line: keeps proxies and load balancers from timing the stream out. */
export const HEARTBEAT = ": heartbeat\n\n";

export const retryHint = (ms: number) => `retry: ${ms}\n\n`;
