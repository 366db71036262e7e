/**
 * The browser's chat state: per-room message lists, the outbox of unacknowledged sends, the
 * connection status and error notices. Pure state with no I/O (ChatClient drives it), read
 * by React through useSyncExternalStore.
 *
 * Invariants:
 * - a room's `messages` are unique by message id and ascending by seq;
 * - an outbox entry is removed exactly when its message (same client id, sent by us) is known;
 * - every getter returns the same object until that piece of state changes (snapshots are
 *   compared by reference).
 */
import type { Member, Message, PresenceStatus } from "@/protocol";

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline";
/** A newer server: "available" when it still speaks this tab's protocol, "required" when it does not. */
export type UpdateState = "none" | "available" | "required";

/** A user's status as others see it. */
export type PresenceState = { status: (typeof PresenceStatus)[number] | "offline"; last_seen: string | null };

/** The viewer's own mute in a room (from the `member muted` frame or the room's member list). */
export type MuteState = { until: string | null; reason: string | null };

/** Why the viewer is no longer in a room, when a moderator removed them while it was open. */
export type RemovalState = { kind: "kicked" | "banned"; reason: string | null };

/** Room fields a `room_updated` frame changed since the room was loaded over REST. */
export type RoomInfo = { name?: string; topic?: string; visibility?: "public" | "private" | "direct"; settings?: Record<string, unknown> };

export interface RoomState {
  /** Unique by id, ascending by seq. */
  readonly messages: readonly Message[];
  /** The latest page of history has been fetched. */
  readonly loaded: boolean;
  readonly loading: boolean;
  /** More history exists below the lowest loaded seq. */
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** Members as of the last `joined` frame, kept current by `member` frames; null before. */
  readonly members: readonly Member[] | null;
  /** The server confirmed our `join` on the current socket. */
  readonly joined: boolean;
  /** Why the room cannot be shown or joined (join refused, history failed to load). */
  readonly error: string | null;
  /** Names of the other members typing right now. */
  readonly typing: readonly string[];
  /** Each member's read cursor (seq), from `joined` and live `receipt` frames. */
  readonly reads: Readonly<Record<string, number>>;
  /** Each member's delivered cursor (seq). */
  readonly delivered: Readonly<Record<string, number>>;
  /** The viewer is muted here (null: not muted, or not known to be). */
  readonly mute: MuteState | null;
  /** The viewer was kicked or banned while this tab was connected. */
  readonly removed: RemovalState | null;
  /** Live changes to the room's name, topic, visibility and settings. */
  readonly info: RoomInfo | null;
  /** Bumped on every `member` event, so views holding REST data know to refresh it. */
  readonly memberVersion: number;
}

export interface PendingMessage {
  /** The client-generated id sent as the frame `id`; it never changes across retries. */
  readonly id: string;
  readonly room: string;
  readonly content: string;
  readonly createdAt: string;
  readonly state: "sending" | "failed";
  readonly error?: string;
  /** The server asked us to wait (rate limit, storage down): resent automatically at this time (ms since epoch). */
  readonly retryAt?: number;
  /** The message this one answers (sent as `reply_to`). */
  readonly replyTo?: string;
}

export interface Notice {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export const EMPTY_ROOM: RoomState = Object.freeze({
  messages: [],
  loaded: false,
  loading: false,
  hasOlder: false,
  loadingOlder: false,
  members: null,
  joined: false,
  error: null,
  typing: [],
  reads: {},
  delivered: {},
  mute: null,
  removed: null,
  info: null,
  memberVersion: 0,
});

const NO_PENDING: readonly PendingMessage[] = Object.freeze([]);
const MAX_NOTICES = 5;

type Listener = () => void;

export class ChatStore {
  private status: ConnectionStatus = "connecting";
  private update: UpdateState = "none";
  private me: { id: string; username: string } | null = null;
  private rooms = new Map<string, RoomState>();
  private outbox = new Map<string, PendingMessage>();
  private pendingByRoom = new Map<string, readonly PendingMessage[]>();
  private notices: readonly Notice[] = [];
  private listeners = new Set<Listener>();
  private noticeCounter = 0;
  private presence: Readonly<Record<string, PresenceState>> = {};
  /** Parents of replies fetched by id because they are older than the loaded history (null: not visible). */
  private quotes: Readonly<Record<string, Message | null>> = {};
  private outboxListener: ((entries: readonly PendingMessage[]) => void) | null = null;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  // --- reads ----------------------------------------------------------------------------------

  getStatus = (): ConnectionStatus => this.status;
  getUpdate = (): UpdateState => this.update;
  getMe = () => this.me;
  getNotices = (): readonly Notice[] => this.notices;
  getRoom = (room: string): RoomState => this.rooms.get(room) ?? EMPTY_ROOM;
  /** Everyone's known presence, keyed by user id (one object until something changes). */
  getPresence = (): Readonly<Record<string, PresenceState>> => this.presence;

  /** Reply parents fetched one by one (keyed by message id; null when not available). */
  getQuotes = (): Readonly<Record<string, Message | null>> => this.quotes;

  /** Outbox entries of one room in the order they were written. */
  getPending = (room: string): readonly PendingMessage[] => {
    let list = this.pendingByRoom.get(room);
    if (!list) {
      list = [...this.outbox.values()].filter((p) => p.room === room);
      this.pendingByRoom.set(room, list.length ? list : NO_PENDING);
    }
    return list.length ? list : NO_PENDING;
  };

  /** Every outbox entry, oldest first (retry order). */
  pendingEntries(): PendingMessage[] {
    return [...this.outbox.values()];
  }

  pendingEntry(id: string): PendingMessage | undefined {
    return this.outbox.get(id);
  }

  /** Highest seq received for the room, or undefined when nothing is known yet. */
  maxSeq(room: string): number | undefined {
    const messages = this.getRoom(room).messages;
    return messages.length ? messages[messages.length - 1]!.seq : undefined;
  }

  minSeq(room: string): number | undefined {
    return this.getRoom(room).messages[0]?.seq;
  }

  /** Called with every outbox entry whenever the outbox changes (persistence). */
  onOutboxChange(listener: ((entries: readonly PendingMessage[]) => void) | null): void {
    this.outboxListener = listener;
  }

  private outboxChanged(): void {
    this.outboxListener?.([...this.outbox.values()]);
  }

  // --- writes ---------------------------------------------------------------------------------

  setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit();
  }

  setUpdate(update: UpdateState): void {
    // "required" is final for this tab: only a reload clears it.
    if (this.update === update || this.update === "required") return;
    this.update = update;
    this.emit();
  }

  setMe(me: { id: string; username: string }): void {
    if (this.me?.id === me.id && this.me.username === me.username) return;
    this.me = me;
    this.emit();
  }

  patchRoom(room: string, patch: Partial<RoomState>): void {
    const current = this.getRoom(room);
    const changed = (Object.keys(patch) as Array<keyof RoomState>).some((k) => current[k] !== patch[k]);
    if (!changed) return;
    this.rooms.set(room, { ...current, ...patch });
    this.emit();
  }

  setQuote(id: string, message: Message | null): void {
    if (this.quotes[id] === message) return;
    this.quotes = { ...this.quotes, [id]: message };
    this.emit();
  }

  /** Merges presence entries (from `joined` snapshots and live `presence` frames). */
  setPresence(entries: Readonly<Record<string, PresenceState>>): void {
    const changed = Object.entries(entries).filter(([id, p]) => {
      const current = this.presence[id];
      return !current || current.status !== p.status || current.last_seen !== p.last_seen;
    });
    if (changed.length === 0) return;
    this.presence = { ...this.presence, ...Object.fromEntries(changed) };
    this.emit();
  }

  /** Moves a member's read or delivered cursor forward (never back). */
  advanceCursor(room: string, kind: "reads" | "delivered", user: string, seq: number): void {
    const current = this.getRoom(room);
    if ((current[kind][user] ?? -1) >= seq) return;
    this.rooms.set(room, { ...current, [kind]: { ...current[kind], [user]: seq } });
    this.emit();
  }

  /**
   * Merges messages into a room: duplicates (same id) are dropped unless the incoming copy is
   * a newer edit, and the list stays ordered by seq. Our own messages settle their outbox entry.
   * Returns how many messages were new.
   */
  addMessages(room: string, incoming: readonly Message[]): number {
    if (incoming.length === 0) return 0;
    const current = this.getRoom(room);
    const byId = new Map(current.messages.map((m) => [m.id, m] as const));
    let added = 0;
    let replaced = false;
    for (const message of incoming) {
      const existing = byId.get(message.id);
      if (!existing) {
        byId.set(message.id, message);
        added++;
      } else if ((message.edited_at ?? "") > (existing.edited_at ?? "") || (message.deleted && !existing.deleted)) {
        byId.set(message.id, message);
        replaced = true;
      }
    }
    const settled = this.settleOutbox(incoming);
    if (settled) this.outboxChanged();
    if (added === 0 && !replaced) {
      if (settled) this.emit();
      return 0;
    }
    const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
    this.rooms.set(room, { ...current, messages });
    this.emit();
    return added;
  }

  /** Replaces a message we hold (edit, delete, reaction change); unknown messages are merged in. */
  replaceMessage(room: string, message: Message): void {
    const current = this.getRoom(room);
    const index = current.messages.findIndex((m) => m.id === message.id);
    if (index < 0) {
      this.addMessages(room, [message]);
      return;
    }
    const messages = current.messages.slice();
    messages[index] = message;
    this.rooms.set(room, { ...current, messages });
    this.emit();
  }

  /** Sets one message's reaction summary for `emoji` (from a `reaction` frame). */
  setReaction(room: string, messageId: string, reaction: { emoji: string; count: number; users: string[] }): void {
    const message = this.getRoom(room).messages.find((m) => m.id === messageId);
    if (!message) return;
    const others = (message.reactions ?? []).filter((r) => r.emoji !== reaction.emoji);
    const reactions = reaction.count > 0 ? [...others, reaction] : others;
    this.replaceMessage(room, { ...message, reactions });
  }

  /** Drops outbox entries whose message has arrived (ack or broadcast, whichever came first). */
  private settleOutbox(messages: readonly Message[]): boolean {
    let settled = false;
    for (const message of messages) {
      const pending = this.outbox.get(message.client_id);
      if (pending && pending.room === message.room && (!this.me || message.sender === this.me.id)) {
        this.outbox.delete(message.client_id);
        this.pendingByRoom.delete(pending.room);
        settled = true;
      }
    }
    return settled;
  }

  addPending(entry: PendingMessage): void {
    this.outbox.set(entry.id, entry);
    this.pendingByRoom.delete(entry.room);
    this.outboxChanged();
    this.emit();
  }

  updatePending(id: string, patch: Partial<Pick<PendingMessage, "state" | "error" | "retryAt">>): void {
    const entry = this.outbox.get(id);
    if (!entry) return;
    this.outbox.set(id, { ...entry, ...patch });
    this.pendingByRoom.delete(entry.room);
    this.outboxChanged();
    this.emit();
  }

  removePending(id: string): void {
    const entry = this.outbox.get(id);
    if (!entry) return;
    this.outbox.delete(id);
    this.pendingByRoom.delete(entry.room);
    this.outboxChanged();
    this.emit();
  }

  pushNotice(code: string, message: string): void {
    // The same error repeated (e.g. every reconnect) is shown once.
    if (this.notices.some((n) => n.code === code && n.message === message)) return;
    const notice = { id: `n${++this.noticeCounter}`, code, message };
    this.notices = [...this.notices, notice].slice(-MAX_NOTICES);
    this.emit();
  }

  dismissNotice(id: string): void {
    const next = this.notices.filter((n) => n.id !== id);
    if (next.length === this.notices.length) return;
    this.notices = next;
    this.emit();
  }
}
