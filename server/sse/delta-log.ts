/**
 * The length of each delta of the replies streaming in rooms this instance follows, so a
 * stream resumed from `Last-Event-ID: <seq>.<index>` can be sent exactly the text it missed as
 * one catch-up delta. A snapshot (server/ai/streams.ts) gives the text so far and the first
 * index it lacks; the text after delta `i` is that text minus the deltas after `i`, which only
 * their lengths tell. The log is fed by the bus, so it knows a reply's deltas when this
 * instance was subscribed to the room while they were published; otherwise the stream falls
 * back to the whole text so far (server/sse/index.ts).
 */
import { roomTopic, type BusEvent } from "@/server/bus";

/** Replies remembered at once (the oldest is forgotten first), and deltas per reply. */
const MAX_MESSAGES = 256;
const MAX_DELTAS_PER_MESSAGE = 100_000;

export class DeltaLog {
  /** Message id → delta index → the delta's text length (UTF-16 units, as `String#slice` counts). */
  private readonly messages = new Map<string, Map<number, number>>();

  /** A bus event: deltas are recorded, a finished or deleted reply is forgotten. */
  observe(topic: string, event: BusEvent): void {
    if (event.type !== "frame" || topic !== roomTopic(event.room)) return;
    const frame = event.frame;
    if (frame.type === "delta") return this.record(frame.message, frame.index, frame.text.length);
    if ((frame.type === "message_updated" && frame.message.streaming !== true) || frame.type === "message_deleted") this.messages.delete(frame.message.id);
  }

  record(message: string, index: number, length: number): void {
    let lengths = this.messages.get(message);
    if (!lengths) {
      if (this.messages.size >= MAX_MESSAGES) this.messages.delete(this.messages.keys().next().value!);
      lengths = new Map();
      this.messages.set(message, lengths);
    }
    if (lengths.size < MAX_DELTAS_PER_MESSAGE) lengths.set(index, length);
  }

  /**
   * The text of deltas `from`..`next - 1` of a reply whose text up to `next` is `content`, or
   * null when a length in that range is unknown (or does not fit the text).
   */
  textOf(message: string, content: string, from: number, next: number): string | null {
    const lengths = this.messages.get(message);
    if (!lengths) return null;
    let missed = 0;
    for (let index = from; index < next; index++) {
      const length = lengths.get(index);
      if (length === undefined) return null;
      missed += length;
    }
    return missed <= content.length ? content.slice(content.length - missed) : null;
  }
}
