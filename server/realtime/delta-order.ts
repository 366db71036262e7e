/**
 * Per socket: each streaming message's `delta` frames reach the client once, in index order,
 * and only after a `message` frame for that message (docs/ai.md). A streaming message frame
 * carries `meta.stream_index`, the first delta index its content does not include; deltas
 * below it are copies of text the client has and are dropped, deltas that arrive before the
 * message (a join's catch-up racing the live stream) or ahead of a missing one wait for it.
 */
import type { Message, ServerFrameOf } from "@/protocol";
import type { Encoded } from "./send";

/** Deltas one socket holds back per message, and messages it holds deltas for. */
const MAX_EARLY_PER_MESSAGE = 4096;
const MAX_EARLY_MESSAGES = 32;

type Delta = ServerFrameOf<"delta">;

export class DeltaOrder {
  /** Message id → the next delta index this socket needs. */
  private readonly next = new Map<string, number>();
  /** Deltas that arrived before their message, or ahead of a missing index. */
  private readonly early = new Map<string, Map<number, Encoded>>();

  /** The index a streaming message's content stops at (its first delta not included). */
  static startOf(message: Message): number {
    const index = message.meta?.stream_index;
    return typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : 0;
  }

  /**
   * A message frame was written: a streaming one (re)starts its deltas at its `stream_index`,
   * a finished one ends them. Returns held-back deltas that may now be written, in order.
   */
  message(message: Message): Encoded[] {
    if (message.streaming !== true) {
      this.next.delete(message.id);
      this.early.delete(message.id);
      return [];
    }
    if (message.blocked) {
      // A masked reply (the viewer blocked its sender) gets none of its text either.
      this.next.set(message.id, Number.POSITIVE_INFINITY);
      this.early.delete(message.id);
      return [];
    }
    this.next.set(message.id, DeltaOrder.startOf(message));
    return this.drain(message.id);
  }

  /** A live delta: what to write now (nothing, it, or it and the ones it unblocked). */
  delta(frame: Delta, encoded: Encoded): Encoded[] {
    const next = this.next.get(frame.message);
    if (next !== undefined && frame.index < next) return [];
    if (next === frame.index) {
      this.next.set(frame.message, next + 1);
      return [encoded, ...this.drain(frame.message)];
    }
    let held = this.early.get(frame.message);
    if (!held) {
      if (this.early.size >= MAX_EARLY_MESSAGES) return [];
      this.early.set(frame.message, (held = new Map()));
    }
    if (held.size < MAX_EARLY_PER_MESSAGE) held.set(frame.index, encoded);
    return [];
  }

  private drain(id: string): Encoded[] {
    const held = this.early.get(id);
    let next = this.next.get(id);
    if (!held || next === undefined) return [];
    const out: Encoded[] = [];
    for (const index of [...held.keys()]) if (index < next) held.delete(index);
    for (let encoded = held.get(next); encoded !== undefined; encoded = held.get(next)) {
      held.delete(next);
      out.push(encoded);
      next++;
    }
    this.next.set(id, next);
    if (held.size === 0) this.early.delete(id);
    return out;
  }
}
