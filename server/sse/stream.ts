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
import type { RoomListener } from "@/server/realtime/registry";
import { encodeFrame, type Encoded } from "@/server/realtime/send";
import { HEARTBEAT, SSE_EVENT_TYPES, deltaOf, formatEvent, positionAfter, type StreamPosition } from "./format";

/** A client that reads slower than the room writes is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

type Buffered = { frame: ServerFrame; encoded: Encoded };

export class RoomEventStream implements RoomListener {
  readonly id = randomUUID();
  /** Live events held back while the replay is written; null once live. */
  private pending: Buffered[] | null = [];
  /** Highest message seq written: the registry sends each room's messages in seq order. */
  private sentSeq: number;
  /** Per streaming message, the next delta index this client needs; lower ones it has. */
  private readonly deltaNext = new Map<string, number>();
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

  /** Writes a replayed frame that is not a message (a gap notice, a streaming catch-up). */
  replayFrame(frame: ServerFrame, position?: StreamPosition): void {
    this.write(frame.type, encodeFrame(frame), position ?? this.position);
  }

  /** From now on the client has deltas of `message` below `next`. */
  haveDeltas(message: string, next: number): void {
    this.deltaNext.set(message, Math.max(this.deltaNext.get(message) ?? 0, next));
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
    if (frame.type === "message") {
      if (frame.message.seq <= this.sentSeq) return;
      this.sentSeq = frame.message.seq;
    }
    const delta = deltaOf(frame);
    if (delta) {
      if (delta.index < (this.deltaNext.get(delta.message) ?? 0)) return;
      this.deltaNext.set(delta.message, delta.index + 1);
    }
    // The finished message needs no more delta bookkeeping.
    if (frame.type === "message_updated" && (frame.message as { streaming?: unknown }).streaming !== true) this.deltaNext.delete(frame.message.id);
    this.write(frame.type, encoded, positionAfter(frame, this.position));
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
