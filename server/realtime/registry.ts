/**
 * Which local connections are in which room. The first local member of a room subscribes
 * this instance to the room's bus topic and the last one unsubscribes, so an instance only
 * receives traffic for rooms someone here is in. Bus events are encoded once per room and
 * the same string is written to every socket.
 */
import type { Bus, BusEvent } from "@/server/bus";
import { roomTopic } from "@/server/bus";
import type { Message, ServerFrame } from "@/protocol";
import { canSee } from "@/server/chat/wire";
import type { Logger } from "@/server/log";
import { encodeFrame } from "./send";

export interface RoomListener {
  readonly userId: string;
  deliver(room: string, frame: ServerFrame, encoded: string): void;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Set<RoomListener>>();
  /** Highest seq seen per room, so a bus resync knows where to backfill from. */
  private readonly highestSeq = new Map<string, number>();

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly backfill: (room: string, after: number) => Promise<Message[]>,
  ) {
    bus.onEvent((topic, event) => this.dispatch(topic, event));
    bus.onResync(() => void this.resync());
  }

  async add(room: string, listener: RoomListener, seq: number): Promise<void> {
    let listeners = this.rooms.get(room);
    if (!listeners) {
      listeners = new Set();
      this.rooms.set(room, listeners);
      await this.bus.subscribe(roomTopic(room));
    }
    listeners.add(listener);
    this.highestSeq.set(room, Math.max(this.highestSeq.get(room) ?? 0, seq));
  }

  async remove(room: string, listener: RoomListener): Promise<void> {
    const listeners = this.rooms.get(room);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.rooms.delete(room);
    this.highestSeq.delete(room);
    await this.bus.unsubscribe(roomTopic(room)).catch((err: unknown) => this.log.warn({ err, room }, "unsubscribe failed"));
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  private dispatch(topic: string, event: BusEvent): void {
    if (topic !== roomTopic(event.room)) return;
    const listeners = this.rooms.get(event.room);
    if (!listeners) return;
    if (event.type === "message") {
      this.highestSeq.set(event.room, Math.max(this.highestSeq.get(event.room) ?? 0, event.message.seq));
      this.deliverMessage(listeners, event.message);
    } else {
      const frame: ServerFrame = { type: "member", room: event.room, user: event.user, event: event.event };
      const encoded = encodeFrame(frame);
      for (const listener of listeners) listener.deliver(event.room, frame, encoded);
    }
  }

  private deliverMessage(listeners: Set<RoomListener>, message: Message): void {
    const frame: ServerFrame = { type: "message", room: message.room, message };
    const encoded = encodeFrame(frame);
    for (const listener of listeners) {
      if (canSee(message, listener.userId)) listener.deliver(message.room, frame, encoded);
    }
  }

  /** After the bus dropped events, deliver what the database has beyond what we saw. */
  private async resync(): Promise<void> {
    for (const [room, listeners] of this.rooms) {
      try {
        const missed = await this.backfill(room, this.highestSeq.get(room) ?? 0);
        for (const message of missed) {
          this.highestSeq.set(room, Math.max(this.highestSeq.get(room) ?? 0, message.seq));
          this.deliverMessage(listeners, message);
        }
      } catch (err) {
        this.log.error({ err, room }, "resync backfill failed");
      }
    }
  }
}
