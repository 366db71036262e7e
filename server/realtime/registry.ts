/**
 * Which local connections are in which room. The first local member of a room subscribes
 * this instance to the room's bus topic and the last one unsubscribes, so an instance only
 * receives traffic for rooms someone here is in. A bus event is encoded once and the same
 * bytes are written to every socket that may see it.
 *
 * Messages reach a room's sockets exactly once and in seq order, whatever the bus does: each
 * room keeps a cursor (the highest seq delivered with nothing missing below it). A message at
 * the cursor or below is a duplicate and dropped; one ahead of a hole (another instance's
 * publish overtook it, or the bus dropped it) is held back for HOLD_MS and then the hole is
 * filled from the database, which has every committed message below any published one.
 * After the bus reconnects, each room catches up from its cursor the same way.
 */
import { roomTopic, userTopic, type Bus, type BusEvent, type EvictReason } from "@/server/bus";
import type { Message, ServerFrame } from "@/protocol";
import { canSee } from "@/server/chat/wire";
import type { Logger } from "@/server/log";
import { encodeFrame, type Encoded } from "./send";
import { TypingTracker, type Typist } from "./typing";

export interface RoomListener {
  readonly id: string;
  readonly userId: string;
  deliver(room: string, frame: ServerFrame, encoded: Encoded): void;
  /** Removed from the room by a moderator (the room has already been told). */
  evict(room: string, reason: EvictReason): void;
  setBlocked(blocked: readonly string[]): void;
  /** A frame for this user, whatever rooms the socket has joined. */
  sendDirect(encoded: Encoded): void;
}

/** How long a message ahead of a hole waits for the missing ones before the database is asked. */
export const HOLD_MS = 50;

type Held = { message: Message; encoded: Encoded };

interface RoomState {
  readonly listeners: Set<RoomListener>;
  /** Highest seq delivered to this room's sockets with nothing missing below it. */
  cursor: number;
  /** Messages that arrived ahead of a hole, by seq. */
  readonly held: Map<number, Held>;
  holdTimer: NodeJS.Timeout | null;
  /** Database catch-ups of this room run one after another. */
  catchUp: Promise<void>;
}

/** Hooks for metrics: what the ordering machinery did. */
export interface RegistryObserver {
  held?(): void;
  caughtUp?(): void;
  /** A message reached `sockets` of this instance's sockets; `createdAt` is its commit time. */
  delivered?(createdAt: string, sockets: number): void;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, RoomState>();
  private readonly users = new Map<string, Set<RoomListener>>();
  readonly typing: TypingTracker;
  /** Applies a user's status choice to their sockets here (wired to the presence tracker). */
  onStatusChoice?: (userId: string, listeners: RoomListener[], status: "online" | "away" | "dnd") => void;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
    /** Committed messages of a room after a seq, ascending; an empty page means none left. */
    private readonly backfill: (room: string, after: number) => Promise<Message[]>,
    typingTtlMs: number,
    private readonly observer: RegistryObserver = {},
  ) {
    this.typing = new TypingTracker(typingTtlMs, (room, changed) => this.deliverTyping(room, changed));
    bus.onEvent((topic, event, raw) => this.dispatch(topic, event, raw));
    bus.onResync(() => this.resync());
  }

  /**
   * Adds a socket to a room. `seq` is the room's last seq as read before this call: when the
   * room is new here, live delivery starts after it (anything committed in between is a hole
   * the first later message fills from the database).
   */
  async add(room: string, listener: RoomListener, seq: number): Promise<void> {
    let state = this.rooms.get(room);
    if (!state) {
      state = { listeners: new Set(), cursor: seq, held: new Map(), holdTimer: null, catchUp: Promise.resolve() };
      this.rooms.set(room, state);
      await this.bus.subscribe(roomTopic(room));
      // Typing travelled on the room's topic before this instance listened to it.
      const typists = await this.bus.typists(room).catch(() => []);
      for (const { user, ttlMs } of typists) this.typing.apply(room, user, "start", ttlMs);
    }
    state.listeners.add(listener);
  }

  async remove(room: string, listener: RoomListener): Promise<void> {
    const state = this.rooms.get(room);
    if (!state?.listeners.delete(listener) || state.listeners.size > 0) return;
    this.rooms.delete(room);
    if (state.holdTimer) clearTimeout(state.holdTimer);
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

  /** Whether the user has a socket on this instance. */
  hasUser(userId: string): boolean {
    return this.users.has(userId);
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
    return this.rooms.get(room)?.listeners ?? new Set();
  }

  /** The typing frame as `viewer` sees it: everyone typing but themselves. */
  typingFrame(room: string, viewer: string): Extract<ServerFrame, { type: "typing" }> {
    const typists = this.typing.typists(room).filter((t) => t.id !== viewer);
    return { type: "typing", room, users: typists.map((t) => t.id), names: Object.fromEntries(typists.map((t: Typist) => [t.id, t.username])) };
  }

  private dispatch(topic: string, event: BusEvent, raw?: string): void {
    if (event.type === "blocks" || event.type === "user_frame" || event.type === "status") {
      if (topic !== userTopic(event.user)) return;
      const listeners = [...(this.users.get(event.user) ?? [])];
      if (event.type === "blocks") for (const listener of listeners) listener.setBlocked(event.blocked);
      else if (event.type === "status") this.onStatusChoice?.(event.user, listeners, event.status);
      else {
        const encoded = Buffer.from(encodeFrame(event.frame));
        for (const listener of listeners) listener.sendDirect(encoded);
      }
      return;
    }
    // Site-wide news (account revocations) is the gateway's and the validity cache's.
    if (event.type === "user_revoked" || event.type === "site_setting") return;
    if (topic !== roomTopic(event.room)) return;
    const state = this.rooms.get(event.room);
    if (!state) return;
    switch (event.type) {
      case "typing":
        this.typing.apply(event.room, event.user, event.state);
        return;
      case "message":
        // The bus event and the `message` frame have the same shape: the bus's JSON is the frame.
        this.accept(event.room, state, event.message, Buffer.from(raw ?? encodeFrame(event)));
        return;
      case "evict":
        for (const listener of [...state.listeners]) {
          if (listener.userId !== event.user) continue;
          listener.evict(event.room, event.reason);
          void this.remove(event.room, listener);
        }
        return;
      case "frame": {
        const encoded = Buffer.from(encodeFrame(event.frame));
        for (const listener of state.listeners) {
          if (event.only && !event.only.includes(listener.userId)) continue;
          if (event.except === listener.userId) continue;
          listener.deliver(event.room, event.frame, encoded);
        }
      }
    }
  }

  /** Delivers a live message in seq order: drops repeats, holds it back if it is ahead of a hole. */
  private accept(room: string, state: RoomState, message: Message, encoded: Encoded): void {
    if (message.seq <= state.cursor) return;
    if (message.seq > state.cursor + 1) {
      state.held.set(message.seq, { message, encoded });
      this.observer.held?.();
      state.holdTimer ??= setTimeout(() => {
        state.holdTimer = null;
        this.fillHoles(room, state);
      }, HOLD_MS);
      return;
    }
    this.deliverNext(state, message, encoded);
    for (let next = state.held.get(state.cursor + 1); next; next = state.held.get(state.cursor + 1)) {
      state.held.delete(next.message.seq);
      this.deliverNext(state, next.message, next.encoded);
    }
    if (state.held.size === 0 && state.holdTimer) {
      clearTimeout(state.holdTimer);
      state.holdTimer = null;
    }
  }

  private deliverNext(state: RoomState, message: Message, encoded: Encoded): void {
    state.cursor = message.seq;
    // A message from someone typing ends their "is typing…" on every instance that sees it; the
    // assistant stays in `typing` while its reply streams (docs/ai.md).
    if (!message.streaming) this.typing.apply(message.room, { id: message.sender, username: message.sender_name ?? "" }, "stop");
    const frame: ServerFrame = { type: "message", room: message.room, message };
    let sockets = 0;
    for (const listener of state.listeners) {
      if (!canSee(message, listener.userId)) continue;
      listener.deliver(message.room, frame, encoded);
      sockets++;
    }
    this.observer.delivered?.(message.created_at, sockets);
  }

  /** Fills the holes below held-back messages from the database. */
  private fillHoles(room: string, state: RoomState): void {
    this.catchUp(room, state, () => state.held.size > 0);
  }

  /**
   * Reads the room's committed messages after the cursor, page by page, while `more()` says so
   * or until the database has nothing newer. Database pages are complete: a seq missing from
   * them no longer exists (retention), so the cursor moves past it.
   */
  private catchUp(room: string, state: RoomState, more: () => boolean): void {
    state.catchUp = state.catchUp
      .then(async () => {
        while (this.rooms.get(room) === state && more()) {
          const page = await this.backfill(room, state.cursor);
          this.observer.caughtUp?.();
          if (this.rooms.get(room) !== state) return;
          for (const message of page) {
            if (message.seq <= state.cursor) continue;
            state.cursor = message.seq - 1;
            state.held.delete(message.seq);
            this.accept(room, state, message, Buffer.from(encodeFrame({ type: "message", room, message })));
          }
          if (page.length === 0) {
            // Whatever is still held was published after the read began; deliver it in order.
            const rest = [...state.held.values()].sort((a, b) => a.message.seq - b.message.seq);
            state.held.clear();
            for (const { message, encoded } of rest) {
              if (message.seq > state.cursor) this.deliverNext(state, message, encoded);
            }
            return;
          }
        }
      })
      .catch((err: unknown) => {
        this.log.error({ err, room }, "catching up from the database failed");
        // Try again later rather than leave held messages stranded.
        if (state.held.size > 0 && this.rooms.get(room) === state) state.holdTimer ??= setTimeout(() => {
          state.holdTimer = null;
          this.fillHoles(room, state);
        }, 1_000);
      });
  }

  private deliverTyping(room: string, changed: string): void {
    for (const listener of this.rooms.get(room)?.listeners ?? []) {
      if (listener.userId === changed) continue;
      const frame = this.typingFrame(room, listener.userId);
      listener.deliver(room, frame, encodeFrame(frame));
    }
  }

  /** After the bus dropped events: every room catches up from its cursor to the database's end. */
  private resync(): void {
    for (const [room, state] of this.rooms) this.catchUp(room, state, () => true);
  }
}
