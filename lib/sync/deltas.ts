/**
 * Streaming replies in the client (the assistant, docs/ai.md): `delta` frames append to a
 * message whose `streaming` is true, each exactly once and in index order.
 *
 * A streaming message carries `meta.stream_index`, the first delta index its content lacks;
 * the client keeps that number current as it appends, so a delta below it is a copy (dropped)
 * and one above it waits for the missing ones (or for a newer copy of the message: a re-join's
 * catch-up, or the final `message_updated`, which replace the text).
 */
import type { Message, ServerFrameOf } from "@/protocol";

type Delta = ServerFrameOf<"delta">;

/** Deltas held per message, and messages with held deltas. */
const MAX_HELD_PER_MESSAGE = 4096;
const MAX_HELD_MESSAGES = 32;

/** The first delta index a streaming message's content lacks (0 when it does not say). */
export function streamIndexOf(message: Message): number {
  const index = message.meta?.stream_index;
  return typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : 0;
}

/**
 * Whether `incoming` should replace `existing`, a copy of the same message still streaming:
 * it is finished, or it covers more of the text than the client has built.
 */
export function supersedesStream(incoming: Message, existing: Message): boolean {
  if (existing.streaming !== true) return false;
  return incoming.streaming !== true || streamIndexOf(incoming) > streamIndexOf(existing);
}

export class StreamingText {
  private readonly held = new Map<string, Map<number, Delta>>();

  /**
   * Applies a delta to the message as the client holds it: the message with the text appended
   * (and any held deltas it unblocked), or null when nothing changes now.
   */
  apply(current: Message | undefined, delta: Delta): Message | null {
    if (current && (current.streaming !== true || current.blocked)) return null;
    if (current && delta.index < streamIndexOf(current)) return null;
    this.hold(delta);
    return current ? this.drain(current) : null;
  }

  /** A newer copy of a message arrived: the held deltas that now follow it, applied; null when none do. */
  drain(message: Message): Message | null {
    const held = this.held.get(message.id);
    if (!held) return null;
    if (message.streaming !== true || message.blocked) {
      this.held.delete(message.id);
      return null;
    }
    let next = streamIndexOf(message);
    let content = message.content;
    for (const index of held.keys()) if (index < next) held.delete(index);
    for (let delta = held.get(next); delta; delta = held.get(next)) {
      held.delete(next);
      content += delta.text;
      next++;
    }
    if (held.size === 0) this.held.delete(message.id);
    if (next === streamIndexOf(message)) return null;
    return { ...message, content, meta: { ...message.meta, stream_index: next } };
  }

  private hold(delta: Delta): void {
    let held = this.held.get(delta.message);
    if (!held) {
      if (this.held.size >= MAX_HELD_MESSAGES) this.held.delete(this.held.keys().next().value!);
      held = new Map();
      this.held.set(delta.message, held);
    }
    if (held.size < MAX_HELD_PER_MESSAGE) held.set(delta.index, delta);
  }
}
