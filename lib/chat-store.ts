/**
 * The browser's chat state: per-room message lists, the outbox of unacknowledged sends, the
 * connection status and error notices. Pure state with no I/O (ChatClient drives it through
 * the methods of ChatStore), held in a zustand vanilla store so React reads slices of it with
 * `useStore(store.api, selector)` and re-renders only when its slice changes.
 *
 * Invariants:
 * - a room's `messages` are unique by message id and ascending by seq;
 * - an outbox entry is removed exactly when its message (same client id, sent by us) is known;
 * - every getter returns the same object until that piece of state changes (snapshots are
 *   compared by reference).
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { Attachment, ErrorReason, Member, Message, PresenceStatus } from "@/protocol";
import { supersedesStream } from "./sync/deltas";

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
  /** Why it is waiting or failed, in English as the server (or the outbox) said it. */
  readonly error?: string;
  /** The error's code (protocol ErrorCode, or NO_ANSWER when no ack came), so the UI can say it in the reader's language. */
  readonly errorCode?: string;
  /** The error's protocol `ErrorReason`, where the server gave one (`slow_mode` on RATE_LIMITED). */
  readonly errorReason?: ErrorReason;
  /** With NO_ANSWER: how many times it was sent. */
  readonly errorAttempts?: number;
  /** The server asked us to wait (rate limit, storage down): resent automatically at this time (ms since epoch). */
  readonly retryAt?: number;
  /** The message this one answers (sent as `reply_to`). */
  readonly replyTo?: string;
  /** Uploads it carries (their ids are sent as `attachments`, unchanged on every resend). */
  readonly attachments?: readonly Attachment[];
  /** `image`, `file` or `voice` when it carries uploads. */
  readonly kind?: AttachmentKind;
}

export type AttachmentKind = "image" | "file" | "voice";

export interface Notice {
  readonly id: string;
  readonly code: string;
  /** English, as the client or the server wrote it: the text when `text` is absent, and for logs. */
  readonly message: string;
  /** What to say in the reader's language (components/shell/Notices.tsx); absent for server error frames. */
  readonly text?: NoticeText;
}

/**
 * A client-made notice by its key in the `shell` namespace's `notices`, with the failure it
 * reports (`{error}`): its English words and the API error code the UI may know a sentence for.
 */
export interface NoticeText {
  readonly key: "sessionExpired" | "offline" | "olderFailed" | "someFailed";
  readonly error?: { readonly code: string | null; readonly message: string };
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
const NO_ROOMS: ReadonlyMap<string, RoomState> = new Map();
const NO_PENDING_BY_ROOM: ReadonlyMap<string, readonly PendingMessage[]> = new Map();
const MAX_NOTICES = 5;

/** Everything the store holds. Each field (and each room's entry) is replaced, never mutated. */
export interface ChatState {
  readonly status: ConnectionStatus;
  /** While reconnecting: when the next attempt starts (ms since the epoch), if known. */
  readonly retryAt: number | null;
  readonly update: UpdateState;
  readonly me: { id: string; username: string } | null;
  readonly rooms: ReadonlyMap<string, RoomState>;
  /** Every outbox entry, oldest first (retry order). */
  readonly outbox: readonly PendingMessage[];
  /** The outbox by room: a room's list keeps its identity while other rooms' entries change. */
  readonly pending: ReadonlyMap<string, readonly PendingMessage[]>;
  readonly notices: readonly Notice[];
  /** Everyone's known presence, keyed by user id. */
  readonly presence: Readonly<Record<string, PresenceState>>;
  /** Parents of replies fetched by id because they are older than the loaded history (null: not visible). */
  readonly quotes: Readonly<Record<string, Message | null>>;
}

// Selectors for `useStore(store.api, selector)`: each returns a value that keeps its identity
// until that slice changes, so a component re-renders only for its own slice.
export const selectStatus = (s: ChatState): ConnectionStatus => s.status;
export const selectRetryAt = (s: ChatState): number | null => s.retryAt;
export const selectUpdate = (s: ChatState): UpdateState => s.update;
export const selectMe = (s: ChatState) => s.me;
export const selectNotices = (s: ChatState): readonly Notice[] => s.notices;
export const selectPresence = (s: ChatState): Readonly<Record<string, PresenceState>> => s.presence;
export const selectQuotes = (s: ChatState): Readonly<Record<string, Message | null>> => s.quotes;
export const selectRoom =
  (room: string) =>
  (s: ChatState): RoomState =>
    s.rooms.get(room) ?? EMPTY_ROOM;
export const selectPending =
  (room: string) =>
  (s: ChatState): readonly PendingMessage[] =>
    s.pending.get(room) ?? NO_PENDING;

const initialState = (): ChatState => ({
  status: "connecting",
  retryAt: null,
  update: "none",
  me: null,
  rooms: NO_ROOMS,
  outbox: NO_PENDING,
  pending: NO_PENDING_BY_ROOM,
  notices: [],
  presence: {},
  quotes: {},
});

export class ChatStore {
  /** The zustand store; React reads it with `useStore(store.api, selector)`. Write through the methods below. */
  readonly api: StoreApi<ChatState> = createStore<ChatState>()(initialState);
  private noticeCounter = 0;
  private outboxListener: ((entries: readonly PendingMessage[]) => void) | null = null;

  /** Called after every change (any slice). */
  subscribe = (listener: () => void): (() => void) => this.api.subscribe(() => listener());

  private get state(): ChatState {
    return this.api.getState();
  }

  private set(patch: Partial<ChatState>): void {
    this.api.setState(patch);
  }

  private setRoom(room: string, next: RoomState): void {
    this.set({ rooms: new Map(this.state.rooms).set(room, next) });
  }

  // --- reads ----------------------------------------------------------------------------------

  getStatus = (): ConnectionStatus => this.state.status;
  getUpdate = (): UpdateState => this.state.update;
  getMe = () => this.state.me;
  getNotices = (): readonly Notice[] => this.state.notices;
  getRoom = (room: string): RoomState => selectRoom(room)(this.state);
  /** Everyone's known presence, keyed by user id (one object until something changes). */
  getPresence = (): Readonly<Record<string, PresenceState>> => this.state.presence;

  /** Reply parents fetched one by one (keyed by message id; null when not available). */
  getQuotes = (): Readonly<Record<string, Message | null>> => this.state.quotes;

  /** Outbox entries of one room in the order they were written. */
  getPending = (room: string): readonly PendingMessage[] => selectPending(room)(this.state);

  /** Every outbox entry, oldest first (retry order). */
  pendingEntries(): PendingMessage[] {
    return [...this.state.outbox];
  }

  pendingEntry(id: string): PendingMessage | undefined {
    return this.state.outbox.find((p) => p.id === id);
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

  // --- writes ---------------------------------------------------------------------------------

  setStatus(status: ConnectionStatus, retryAt: number | null = null): void {
    if (this.state.status === status && this.state.retryAt === retryAt) return;
    this.set({ status, retryAt });
  }

  setUpdate(update: UpdateState): void {
    // "required" is final for this tab: only a reload clears it.
    if (this.state.update === update || this.state.update === "required") return;
    this.set({ update });
  }

  setMe(me: { id: string; username: string }): void {
    const current = this.state.me;
    if (current?.id === me.id && current.username === me.username) return;
    this.set({ me });
  }

  patchRoom(room: string, patch: Partial<RoomState>): void {
    const current = this.getRoom(room);
    const changed = (Object.keys(patch) as Array<keyof RoomState>).some((k) => current[k] !== patch[k]);
    if (!changed) return;
    this.setRoom(room, { ...current, ...patch });
  }

  setQuote(id: string, message: Message | null): void {
    if (this.state.quotes[id] === message) return;
    this.set({ quotes: { ...this.state.quotes, [id]: message } });
  }

  /** Merges presence entries (from `joined` snapshots and live `presence` frames). */
  setPresence(entries: Readonly<Record<string, PresenceState>>): void {
    const presence = this.state.presence;
    const changed = Object.entries(entries).filter(([id, p]) => {
      const current = Object.hasOwn(presence, id) ? presence[id] : undefined;
      return !current || current.status !== p.status || current.last_seen !== p.last_seen;
    });
    if (changed.length === 0) return;
    this.set({ presence: { ...presence, ...Object.fromEntries(changed) } });
  }

  /** Moves a member's read or delivered cursor forward (never back). */
  advanceCursor(room: string, kind: "reads" | "delivered", user: string, seq: number): void {
    const current = this.getRoom(room);
    const cursors = current[kind];
    if ((Object.hasOwn(cursors, user) ? cursors[user]! : -1) >= seq) return;
    this.setRoom(room, { ...current, [kind]: { ...cursors, [user]: seq } });
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
      } else if ((message.edited_at ?? "") > (existing.edited_at ?? "") || (message.deleted && !existing.deleted) || supersedesStream(message, existing)) {
        byId.set(message.id, message);
        replaced = true;
      }
    }
    const patch: { rooms?: ReadonlyMap<string, RoomState> } & OutboxPatch = this.settleOutbox(incoming) ?? {};
    if (added > 0 || replaced) {
      const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
      patch.rooms = new Map(this.state.rooms).set(room, { ...current, messages });
    }
    // One update for the messages and the outbox entries they settle: no render sees both.
    if (patch.rooms || patch.outbox) this.set(patch);
    if (patch.outbox) this.outboxListener?.(patch.outbox);
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
    this.setRoom(room, { ...current, messages });
  }

  /** Sets one message's reaction summary for `emoji` (from a `reaction` frame). */
  setReaction(room: string, messageId: string, reaction: { emoji: string; count: number; users: string[] }): void {
    const message = this.getRoom(room).messages.find((m) => m.id === messageId);
    if (!message) return;
    const others = (message.reactions ?? []).filter((r) => r.emoji !== reaction.emoji);
    const reactions = reaction.count > 0 ? [...others, reaction] : others;
    this.replaceMessage(room, { ...message, reactions });
  }

  /** The outbox without entries whose message has arrived (ack or broadcast, whichever came first); null when none did. */
  private settleOutbox(messages: readonly Message[]): OutboxPatch | null {
    const me = this.state.me;
    const arrived = new Map(messages.map((m) => [m.client_id, m] as const));
    const settledRooms = new Set<string>();
    const outbox = this.state.outbox.filter((pending) => {
      const message = arrived.get(pending.id);
      const settled = !!message && pending.room === message.room && (!me || message.sender === me.id);
      if (settled) settledRooms.add(pending.room);
      return !settled;
    });
    return settledRooms.size ? this.outboxPatch(outbox, settledRooms) : null;
  }

  /** The new outbox with the per-room lists of `rooms` rebuilt (the others keep their identity). */
  private outboxPatch(outbox: readonly PendingMessage[], rooms: Iterable<string>): OutboxPatch {
    const pending = new Map(this.state.pending);
    for (const room of rooms) {
      const list = outbox.filter((p) => p.room === room);
      if (list.length) pending.set(room, list);
      else pending.delete(room);
    }
    return { outbox, pending };
  }

  private setOutbox(outbox: readonly PendingMessage[], room: string): void {
    this.set(this.outboxPatch(outbox, [room]));
    this.outboxListener?.(outbox);
  }

  addPending(entry: PendingMessage): void {
    const outbox = this.state.outbox;
    const index = outbox.findIndex((p) => p.id === entry.id);
    // Re-adding an id replaces the entry in place: its retry position does not change.
    const next = index < 0 ? [...outbox, entry] : outbox.map((p, i) => (i === index ? entry : p));
    const rooms = index < 0 ? [entry.room] : [entry.room, outbox[index]!.room];
    this.set(this.outboxPatch(next, rooms));
    this.outboxListener?.(next);
  }

  updatePending(id: string, patch: Partial<Pick<PendingMessage, "state" | "error" | "errorCode" | "errorReason" | "errorAttempts" | "retryAt">>): void {
    const entry = this.pendingEntry(id);
    if (!entry) return;
    this.setOutbox(
      this.state.outbox.map((p) => (p === entry ? { ...entry, ...patch } : p)),
      entry.room,
    );
  }

  removePending(id: string): void {
    const entry = this.pendingEntry(id);
    if (!entry) return;
    this.setOutbox(
      this.state.outbox.filter((p) => p !== entry),
      entry.room,
    );
  }

  pushNotice(code: string, message: string, text?: NoticeText): void {
    const notices = this.state.notices;
    // The same error repeated (e.g. every reconnect) is shown once.
    if (notices.some((n) => n.code === code && n.message === message)) return;
    const notice: Notice = { id: `n${++this.noticeCounter}`, code, message, ...(text && { text }) };
    this.set({ notices: [...notices, notice].slice(-MAX_NOTICES) });
  }

  dismissNotice(id: string): void {
    const notices = this.state.notices;
    const next = notices.filter((n) => n.id !== id);
    if (next.length === notices.length) return;
    this.set({ notices: next });
  }
}

type OutboxPatch = { outbox?: readonly PendingMessage[]; pending?: ReadonlyMap<string, readonly PendingMessage[]> };
