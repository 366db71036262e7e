/**
 * One client's event stream of one room. It is a listener of the room registry like a
 * socket, so it gets the room's events in the same order, filtered the same way (private
 * messages, blocked senders); it writes the ones SSE carries, each with its id.
 *
 * While the missed history is being replayed, live events wait in a buffer; the replay then
 * defines where live delivery takes over, so nothing is lost or repeated across the switch.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Message, ServerFrame } from "@/protocol";
import type { EvictReason } from "@/server/bus";
import { maskBlocked } from "@/server/chat/wire";
import { DeltaOrder } from "@/server/realtime/delta-order";
import type { RoomListener } from "@/server/realtime/registry";
import { encodeFrame, type Encoded } from "@/server/realtime/send";
import { HEARTBEAT, SSE_EVENT_TYPES, formatEvent, parseEventId, positionAfter, type StreamPosition } from "./format";

/** A client that reads slower than the room writes is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

type Buffered = { frame: ServerFrame; encoded: Encoded };

export class RoomEventStream implements RoomListener {
  readonly id = randomUUID();
  /** Live events held back while the replay is written; null once live. */
  private pending: Buffered[] | null = [];
  /** Highest message seq written: the registry sends each room's messages in seq order. */
  private sentSeq: number;
  /**
   * Streaming replies' deltas once each, in index order, after their message: the sockets'
   * rule. It holds formatted events, so what it releases is written as is.
   */
  private readonly deltas = new DeltaOrder();
  private blocked: ReadonlySet<string> = new Set();
  private position: StreamPosition;
  ended = false;

  constructor(
    private readonly res: ServerResponse,
    readonly room: string,
    readonly userId: string,
    start: StreamPosition,
    /** Called once, whichever way the stream ends (client gone, evicted, shutdown). */
    private readonly onEnd: (stream: RoomEventStream) => void,
  ) {
    this.sentSeq = start.seq;
    this.position = start;
    res.once("close", () => this.finish());
  }

  deliver(room: string, frame: ServerFrame, encoded: Encoded): void {
    if (room !== this.room || this.ended || !SSE_EVENT_TYPES.has(frame.type)) return;
    if ((frame.type === "message" || frame.type === "message_updated") && this.blocked.has(frame.message.sender)) {
      frame = { ...frame, message: maskBlocked(frame.message, this.blocked) };
      encoded = encodeFrame(frame);
    }
    if (this.pending) return void this.pending.push({ frame, encoded });
    this.writeLive(frame, encoded);
  }

  /** Kicked, banned or gone from the room: its events are no longer this user's to read. */
  evict(_room: string, _reason: EvictReason): void {
    this.end();
  }

  setBlocked(blocked: readonly string[]): void {
    this.blocked = new Set(blocked);
  }

  /** Frames for the user rather than the room (room lists, profile) are not part of a room's stream. */
  sendDirect(): void {}

  /** Writes a replayed message (history the client missed), bypassing the live buffer. */
  replayMessage(message: Message): void {
    if (message.seq <= this.sentSeq) return;
    this.sentSeq = message.seq;
    this.write("message", encodeFrame({ type: "message", room: this.room, message }), { seq: message.seq });
  }

  /** Writes a replayed frame that is not a message (a gap notice), at the stream's position. */
  replayFrame(frame: ServerFrame): void {
    this.write(frame.type, encodeFrame(frame), this.position);
  }

  /**
   * A reply still streaming, as a snapshot has it (its text so far up to `meta.stream_index`):
   * as a `message` for a client that has not seen it, or as a `message_updated` that replaces
   * the text of a client whose progress in it is unknown. Its deltas continue from there.
   */
  replayStreaming(message: Message, as: "message" | "message_updated"): void {
    // Committed before the stream went live, so no live copy of it follows.
    if (as === "message") this.sentSeq = Math.max(this.sentSeq, message.seq);
    this.write(as, encodeFrame({ type: as, room: this.room, message }), { seq: message.seq });
    this.deltas.message(message);
  }

  /** A resuming client has a reply's deltas below `next` (and more than the snapshot): it continues from there. */
  expectDeltas(message: Message, next: number): void {
    this.deltas.message({ ...message, meta: { ...message.meta, stream_index: next } });
  }

  /**
   * The text a resuming client missed of a reply, as one delta at the last index it covers;
   * `message` is the snapshot (its `meta.stream_index` the next index to come live).
   */
  catchUpDelta(message: Message, text: string): void {
    const index = DeltaOrder.startOf(message) - 1;
    const frame: ServerFrame = { type: "delta", room: this.room, message: message.id, seq: message.seq, index, text };
    this.write("delta", encodeFrame(frame), { seq: message.seq, index });
    this.deltas.message(message);
  }

  /**
   * Ends the replay: `upTo` is the room's seq the replay covered (everything at or below it
   * was written, or was not this client's to see). Held live events follow, minus repeats.
   */
  goLive(upTo: number): void {
    const held = this.pending ?? [];
    this.pending = null;
    this.sentSeq = Math.max(this.sentSeq, upTo);
    for (const { frame, encoded } of held) this.writeLive(frame, encoded);
  }

  heartbeat(): void {
    if (!this.ended) this.raw(HEARTBEAT);
  }

  /** Ends the response cleanly (the client sees the stream finish, then may reconnect). */
  end(): void {
    if (this.ended) return;
    this.res.end();
    this.finish();
  }

  private writeLive(frame: ServerFrame, encoded: Encoded): void {
    if (frame.type === "delta") {
      const event = formatEvent("delta", { seq: frame.seq, index: frame.index }, encoded);
      for (const ready of this.deltas.delta(frame, event)) this.writeFormatted(ready);
      return;
    }
    if (frame.type === "message") {
      if (frame.message.seq <= this.sentSeq) return;
      this.sentSeq = frame.message.seq;
    }
    this.write(frame.type, encoded, positionAfter(frame, this.position));
    if (frame.type === "message" || frame.type === "message_updated") {
      for (const ready of this.deltas.message(frame.message)) this.writeFormatted(ready);
    }
  }

  /** A delta event formatted when it arrived (held back until its turn). */
  private writeFormatted(event: Encoded): void {
    const text = typeof event === "string" ? event : event.toString("utf8");
    this.position = parseEventId(text.slice(4, text.indexOf("\n"))) ?? this.position;
    this.raw(text);
  }

  private write(type: string, data: Encoded, position: StreamPosition): void {
    this.position = position;
    this.raw(formatEvent(type, position, data));
  }

  private raw(chunk: string): void {
    if (this.ended || this.res.writableEnded) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      return;
    }
    this.res.write(chunk);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.onEnd(this);
  }
}
