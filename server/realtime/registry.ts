/**
 * Which local connections are in which room. The first local member of a room subscribes
 * this instance to the room's bus topic and the last one unsubscribes, so an instance only
 * receives traffic for rooms someone here is in. A bus event is encoded once per room and
 * the same string is written to every socket that may see it.
 */
import { roomTopic, TYPING_TOPIC, userTopic, type Bus, type BusEvent, type EvictReason } from "@/server/bus";
import type { Message, ServerFrame } from "@/protocol";
import { canSee } from "@/server/chat/wire";
import type { Logger } from "@/server/log";
import { encodeFrame } from "./send";
import { TypingTracker, type Typist } from "./typing";

export interface RoomListener {
  readonly id: string;
  readonly userId: string;
  deliver(room: string, frame: ServerFrame, encoded: string): void;
  /** Removed from the room by a moderator (the room has already been told). */
  evict(room: string, reason: EvictReason): void;
  setBlocked(blocked: readonly string[]): void;
  /** A frame for this user, whatever rooms the socket has joined. */
  sendDirect(encoded: string): void;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Set<RoomListener>>();
  private readonly users = new Map<string, Set<RoomListener>>();
  /** Highest seq seen per room, so a bus resync knows where to backfill from. */
  private readonly highestSeq = new Map<string, number>();
  readonly typing: TypingTracker;
  /** Applies a user's status choice to their sockets here (wired to the presence tracker). */
  onStatusChoice?: (userId: string, listeners: RoomListener[], status: "online" | "away" | "dnd") => void;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly backfill: (room: string, after: number) => Promise<Message[]>,
    typingTtlMs: number,
  ) {
    this.typing = new TypingTracker(typingTtlMs, (room, changed) => this.deliverTyping(room, changed));
    bus.onEvent((topic, event) => this.dispatch(topic, event));
    void bus.subscribe(TYPING_TOPIC).catch((err: unknown) => log.error({ err }, "typing subscription failed"));
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

  /** Subscribes to the user's own topic while any of their sockets is here. */
  async addUser(listener: RoomListener): Promise<void> {
    let listeners = this.users.get(listener.userId);
    if (!listeners) {
      listeners = new Set();
      this.users.set(listener.userId, listeners);
      await this.bus.subscribe(userTopic(listener.userId));
    }
    listeners.add(listener);
  }

  async removeUser(listener: RoomListener): Promise<void> {
    const listeners = this.users.get(listener.userId);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.users.delete(listener.userId);
    await this.bus.unsubscribe(userTopic(listener.userId)).catch((err: unknown) => this.log.warn({ err }, "unsubscribe failed"));
  }

  /** Sockets of `userId` on this instance. */
  socketsOf(userId: string): number {
    return this.users.get(userId)?.size ?? 0;
  }

  /** Whether this instance receives the room's bus traffic (some local socket has joined it). */
  isSubscribed(room: string): boolean {
    return this.rooms.has(room);
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  /** Local listeners of a room (for answers that go to one user's sockets). */
  listeners(room: string): ReadonlySet<RoomListener> {
    return this.rooms.get(room) ?? new Set();
  }

  /** The typing frame as `viewer` sees it: everyone typing but themselves. */
  typingFrame(room: string, viewer: string): Extract<ServerFrame, { type: "typing" }> {
    const typists = this.typing.typists(room).filter((t) => t.id !== viewer);
    return { type: "typing", room, users: typists.map((t) => t.id), names: Object.fromEntries(typists.map((t: Typist) => [t.id, t.username])) };
  }

  private dispatch(topic: string, event: BusEvent): void {
    if (event.type === "typing") {
      if (topic === TYPING_TOPIC) this.typing.apply(event.room, event.user, event.state);
      return;
    }
    if (event.type === "blocks" || event.type === "user_frame" || event.type === "status") {
      if (topic !== userTopic(event.user)) return;
      const listeners = [...(this.users.get(event.user) ?? [])];
      if (event.type === "blocks") for (const listener of listeners) listener.setBlocked(event.blocked);
      else if (event.type === "status") this.onStatusChoice?.(event.user, listeners, event.status);
      else {
        const encoded = encodeFrame(event.frame);
        for (const listener of listeners) listener.sendDirect(encoded);
      }
      return;
    }
    if (topic !== roomTopic(event.room)) return;
    const listeners = this.rooms.get(event.room);
    if (!listeners) return;
    switch (event.type) {
      case "message":
        this.highestSeq.set(event.room, Math.max(this.highestSeq.get(event.room) ?? 0, event.message.seq));
        this.deliverMessage(listeners, event.message);
        return;
      case "evict":
        for (const listener of [...listeners]) {
          if (listener.userId !== event.user) continue;
          listener.evict(event.room, event.reason);
          void this.remove(event.room, listener);
        }
        return;
      case "frame": {
        const encoded = encodeFrame(event.frame);
        for (const listener of listeners) {
          if (event.only && !event.only.includes(listener.userId)) continue;
          if (event.except === listener.userId) continue;
          listener.deliver(event.room, event.frame, encoded);
        }
      }
    }
  }

  private deliverMessage(listeners: Set<RoomListener>, message: Message): void {
    const frame: ServerFrame = { type: "message", room: message.room, message };
    const encoded = encodeFrame(frame);
    for (const listener of listeners) {
      if (canSee(message, listener.userId)) listener.deliver(message.room, frame, encoded);
    }
  }

  private deliverTyping(room: string, changed: string): void {
    for (const listener of this.rooms.get(room) ?? []) {
      if (listener.userId === changed) continue;
      const frame = this.typingFrame(room, listener.userId);
      listener.deliver(room, frame, encodeFrame(frame));
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
