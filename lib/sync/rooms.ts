/**
 * Room sync: which rooms this tab has open or watches, joining them on every session with
 * `since` = the highest seq held, history pages over REST, and gap filling.
 *
 * - Open rooms are joined (after their latest page of history is loaded) and re-joined after
 *   every reconnect; the server replays what was missed. `gap` frames, and holes seen in live
 *   seqs, are filled over REST. The store de-duplicates by id and orders by seq, so duplicate
 *   and out-of-order frames are harmless.
 * - "My rooms" are watched, not joined: one `watch` frame gets the unread summary and then a
 *   `room_activity` per new message. A background room with unsent messages (restored after a
 *   reload) is joined too, so its outbox can drain.
 * - A room the user was kicked or banned from is never re-joined by itself.
 */
import type { ClientFrame, Message, ServerFrameOf } from "@/protocol";
import { ApiError, sentence } from "../api";
import type { RoomState } from "../chat-store";
import { errorText, type SyncContext } from "./context";
import { StreamingText } from "./deltas";

/** A failed request for a notice: its English words, and its code for the reader's language. */
const failure = (err: unknown) => ({ code: err instanceof ApiError ? err.code : null, message: errorText(err) });

/** Page size for history requests (latest page and scroll-up pages). */
export const HISTORY_PAGE = 50;
/** The REST history endpoint's largest page, used to fill gaps. */
const GAP_PAGE = 200;
/** Unmount-then-remount (StrictMode, fast navigation) should not leave and re-join a room. */
export const LEAVE_DELAY_MS = 250;
/** Rooms per `watch` frame (the server takes at most 1000). */
const WATCH_BATCH = 500;

export interface RoomHooks {
  /** A join went out: frames for the room (sends, receipts) may follow it on this session. */
  joinSent(room: string): void;
  joined(frame: ServerFrameOf<"joined">): void;
  /** The room has unsent messages in the outbox. */
  hasPending(room: string): boolean;
}

export class RoomSync {
  /** Rooms the UI has open, with how many components hold each. */
  private readonly subscriptions = new Map<string, number>();
  private readonly leaveTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Rooms whose `join` went out on the current session. */
  private readonly joinSent = new Set<string>();
  /** Of those, the ones joined with `since` (history loaded, replay asked for). */
  private readonly joinedWithSince = new Set<string>();
  /** Rooms watched for live unread/receipts/presence, whether or not they are open. */
  private readonly background = new Set<string>();
  /** Rooms the user was kicked or banned from on this tab. */
  private readonly removed = new Set<string>();
  /** Join frame id → room, to attribute join errors. */
  private readonly joinRefs = new Map<string, string>();
  private readonly loads = new Map<string, Promise<void>>();
  private readonly quoteLoads = new Set<string>();
  /** Highest seq per room that was received or is being fetched; detects holes in live seqs. */
  private readonly syncedSeq = new Map<string, number>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  /** Streaming replies' deltas, applied once each and in order (./deltas.ts). */
  private readonly streaming = new StreamingText();

  constructor(
    private readonly ctx: SyncContext,
    private readonly hooks: RoomHooks,
  ) {}

  /** Joined on this session: frames for the room may go out. */
  isJoined(room: string): boolean {
    return this.joinSent.has(room);
  }

  /** Joined with `since` on this session: history is loaded and replayed, sends may go out. */
  isSynced(room: string): boolean {
    return this.joinedWithSince.has(room);
  }

  /** Rooms this tab has open or watches. */
  known(): Set<string> {
    return new Set([...this.subscriptions.keys(), ...this.background]);
  }

  // --- session --------------------------------------------------------------------------------

  onReady(): void {
    for (const room of this.subscriptions.keys()) {
      if (this.ctx.store.getRoom(room).loaded) this.join(room);
      else void this.loadLatest(room).then(() => this.join(room));
    }
    this.watch([...this.background]);
    for (const room of this.background) this.join(room);
  }

  onClosed(): void {
    this.joinSent.clear();
    this.joinedWithSince.clear();
    this.joinRefs.clear();
    for (const room of this.known()) this.ctx.store.patchRoom(room, { joined: false, typing: [] });
  }

  stop(): void {
    for (const timer of [...this.leaveTimers.values(), ...this.retryTimers]) clearTimeout(timer);
    this.leaveTimers.clear();
    this.retryTimers.clear();
  }

  // --- open rooms -----------------------------------------------------------------------------

  /**
   * Marks a room open in the UI: loads its latest history, joins it on the socket (now and
   * after every reconnect) and keeps it live until the returned function is called.
   */
  openRoom(room: string): () => void {
    const pendingLeave = this.leaveTimers.get(room);
    if (pendingLeave) {
      clearTimeout(pendingLeave);
      this.leaveTimers.delete(room);
    }
    this.subscriptions.set(room, (this.subscriptions.get(room) ?? 0) + 1);
    // Opening a room again (e.g. after joining it anew) is a deliberate act: lift the removal.
    if (this.removed.delete(room)) this.ctx.store.patchRoom(room, { removed: null, error: null });
    void this.loadLatest(room).then(() => this.join(room));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.subscriptions.get(room) ?? 1) - 1;
      if (count > 0) return void this.subscriptions.set(room, count);
      this.subscriptions.delete(room);
      this.leaveTimers.set(
        room,
        setTimeout(() => {
          this.leaveTimers.delete(room);
          if (this.subscriptions.has(room) || this.hooks.hasPending(room)) return;
          this.joinedWithSince.delete(room);
          if (this.joinSent.delete(room)) this.ctx.transmit({ type: "leave", room });
          this.ctx.store.patchRoom(room, { joined: false });
        }, LEAVE_DELAY_MS),
      );
    };
  }

  /**
   * Joins a room on the current session: an open room, or a background room with unsent
   * messages. It waits for the room's history and asks for everything after the highest seq held.
   */
  join(room: string): void {
    if (!this.ctx.isReady() || this.removed.has(room)) return;
    const open = this.subscriptions.has(room);
    const pending = this.hooks.hasPending(room);
    if (!open && !(this.background.has(room) && pending)) return;
    const state = this.ctx.store.getRoom(room);
    // A background room with unsent messages needs its history too: sends go out only after a
    // join with `since`, which settles anything already stored.
    if ((open || pending) && !state.loaded) {
      if (!open) void this.loadLatest(room).then(() => this.ctx.store.getRoom(room).loaded && this.join(room));
      return;
    }
    const withSince = state.loaded;
    if (this.joinSent.has(room) && (!withSince || this.joinedWithSince.has(room))) return;
    const id = crypto.randomUUID();
    const frame: ClientFrame = withSince ? { type: "join", id, room, since: this.ctx.store.maxSeq(room) ?? 0 } : { type: "join", id, room };
    if (!this.ctx.transmit(frame)) return;
    this.joinSent.add(room);
    if (withSince) this.joinedWithSince.add(room);
    this.joinRefs.set(id, room);
    // Frames on one socket are handled in order, so sends after the join find us joined.
    this.hooks.joinSent(room);
  }

  /** The server says this session is not in the room after all: join it again. True if a join went out. */
  rejoin(room: string): boolean {
    this.joinSent.delete(room);
    this.joinedWithSince.delete(room);
    this.join(room);
    return this.joinSent.has(room);
  }

  // --- background rooms -----------------------------------------------------------------------

  /** The rooms to watch ("My rooms"). New ones are watched; ones no longer listed are unwatched (and left unless open). */
  setBackgroundRooms(rooms: Iterable<string>): void {
    const next = new Set(rooms);
    const gone: string[] = [];
    for (const room of this.background) {
      if (next.has(room)) continue;
      this.background.delete(room);
      gone.push(room);
      if (this.subscriptions.has(room) || this.leaveTimers.has(room)) continue;
      this.joinedWithSince.delete(room);
      if (this.joinSent.delete(room)) this.ctx.transmit({ type: "leave", room });
    }
    if (gone.length > 0 && this.ctx.isReady()) this.ctx.transmit({ type: "unwatch", rooms: gone });
    const added = [...next].filter((room) => !this.background.has(room));
    for (const room of added) this.background.add(room);
    this.watch(added);
    for (const room of added) this.join(room);
  }

  /** Asks for `room_activity` of these rooms and their unread summary (answered with `unread`). */
  private watch(rooms: string[]): void {
    if (!this.ctx.isReady() || rooms.length === 0) return;
    for (let i = 0; i < rooms.length; i += WATCH_BATCH) this.ctx.transmit({ type: "watch", rooms: rooms.slice(i, i + WATCH_BATCH) });
  }

  // --- history --------------------------------------------------------------------------------

  /** Fetches the latest page of a room's history once; later pages come from loadOlder. */
  loadLatest(room: string): Promise<void> {
    const { store } = this.ctx;
    if (store.getRoom(room).loaded) return Promise.resolve();
    const inFlight = this.loads.get(room);
    if (inFlight) return inFlight;
    store.patchRoom(room, { loading: true, error: null });
    const load = this.ctx.history
      .listMessages(room, { limit: HISTORY_PAGE })
      .then(({ messages }) => {
        store.addMessages(room, messages);
        const max = messages[messages.length - 1]?.seq ?? 0;
        this.syncedSeq.set(room, Math.max(this.syncedSeq.get(room) ?? 0, max));
        store.patchRoom(room, { loaded: true, loading: false, hasOlder: messages.length === HISTORY_PAGE });
      })
      .catch((err: unknown) => store.patchRoom(room, { loading: false, error: errorText(err) }))
      .finally(() => this.loads.delete(room));
    this.loads.set(room, load);
    return load;
  }

  /** Loads the page of history just below the lowest loaded seq. */
  async loadOlder(room: string): Promise<void> {
    const { store } = this.ctx;
    const state = store.getRoom(room);
    const before = store.minSeq(room);
    if (!state.loaded || !state.hasOlder || state.loadingOlder || before === undefined) return;
    store.patchRoom(room, { loadingOlder: true });
    try {
      const { messages } = await this.ctx.history.listMessages(room, { before, limit: HISTORY_PAGE });
      store.addMessages(room, messages);
      store.patchRoom(room, { loadingOlder: false, hasOlder: messages.length === HISTORY_PAGE });
    } catch (err) {
      store.patchRoom(room, { loadingOlder: false });
      store.pushNotice("HISTORY", `Could not load older messages: ${errorText(err)}`, { key: "olderFailed", error: failure(err) });
    }
  }

  /**
   * Fetches one message by id for a reply quote, when the parent is older than the loaded
   * history. Cached in the store (null when it is gone or not visible); fetched once.
   */
  fetchQuote(room: string, id: string): void {
    const { store } = this.ctx;
    if (id in store.getQuotes() || this.quoteLoads.has(id)) return;
    this.quoteLoads.add(id);
    this.ctx.history
      .getMessage(room, id)
      .then(({ message }) => store.setQuote(id, message))
      .catch((err: unknown) => {
        // A 404 is final (deleted, not visible); other failures may be retried later.
        if (typeof err === "object" && err !== null && "status" in err && err.status === 404) store.setQuote(id, null);
      })
      .finally(() => this.quoteLoads.delete(id));
  }

  /**
   * Loads history back to `seq` (inclusive), gap-free, so a reply's parent can be shown in
   * place. Bounded: at most `maxMessages` are fetched. Resolves true once `seq` is held.
   */
  async loadBackTo(room: string, seq: number, maxMessages = 2000): Promise<boolean> {
    const { store } = this.ctx;
    const state = store.getRoom(room);
    const min = store.minSeq(room);
    if (!state.loaded || min === undefined) return false;
    if (min <= seq) return true;
    if (min - seq > maxMessages || state.loadingOlder) return false;
    store.patchRoom(room, { loadingOlder: true });
    let before = min;
    try {
      while (before > seq) {
        const { messages } = await this.ctx.history.listMessages(room, { after: seq - 1, before, limit: GAP_PAGE });
        store.addMessages(room, messages);
        if (messages.length === 0) break;
        before = messages[0]!.seq;
      }
      store.patchRoom(room, { loadingOlder: false, hasOlder: seq > 1 && store.getRoom(room).hasOlder });
    } catch (err) {
      store.patchRoom(room, { loadingOlder: false });
      store.pushNotice("HISTORY", `Could not load older messages: ${errorText(err)}`, { key: "olderFailed", error: failure(err) });
      return false;
    }
    return (store.minSeq(room) ?? Infinity) <= seq;
  }

  /** Fetches seqs from..to (inclusive) over REST, newest page first, until the range is covered. */
  private async fillRange(room: string, from: number, to: number, attempt = 0): Promise<void> {
    let before = to + 1;
    try {
      while (before > from) {
        const { messages } = await this.ctx.history.listMessages(room, { after: from - 1, before, limit: GAP_PAGE });
        this.ctx.store.addMessages(room, messages);
        if (messages.length < GAP_PAGE) return;
        before = messages[0]!.seq;
      }
    } catch (err) {
      if (attempt < 3) {
        await new Promise((resolve) => {
          const timer = setTimeout(() => resolve(this.retryTimers.delete(timer)), 1000 * 2 ** attempt);
          this.retryTimers.add(timer);
        });
        return this.fillRange(room, from, Math.min(to, before - 1), attempt + 1);
      }
      this.ctx.store.pushNotice("HISTORY", `Some messages could not be loaded: ${errorText(err)}`, { key: "someFailed", error: failure(err) });
    }
  }

  // --- incoming -------------------------------------------------------------------------------

  onGap(frame: ServerFrameOf<"gap">): void {
    this.syncedSeq.set(frame.room, Math.max(this.syncedSeq.get(frame.room) ?? 0, frame.to));
    void this.fillRange(frame.room, frame.from, frame.to);
  }

  onMessage(room: string, message: Message): void {
    const { store } = this.ctx;
    // Our own messages and system lines (joins, moderation) move the cursor but are never unread.
    const me = store.getMe()?.id;
    this.ctx.directory?.noteMessage(room, message.seq, message.sender === me || message.kind === "system", !!me && message.mentions?.includes(me) === true);
    // A background room's history is loaded (and replayed from its highest seq) when opened.
    if (!store.getRoom(room).loaded) return;
    const synced = this.syncedSeq.get(room);
    store.addMessages(room, [message]);
    if (message.streaming) this.onMessageStored(room, message.id);
    if (synced === undefined) return;
    if (message.seq > synced + 1) void this.fillRange(room, synced + 1, message.seq - 1);
    this.syncedSeq.set(room, Math.max(synced, message.seq));
  }

  /** A piece of a streaming reply's text: appended in index order, copies dropped. */
  onDelta(frame: ServerFrameOf<"delta">): void {
    const { store } = this.ctx;
    if (!store.getRoom(frame.room).loaded) return;
    const current = store.getRoom(frame.room).messages.find((m) => m.id === frame.message);
    const updated = this.streaming.apply(current, frame);
    if (updated) store.replaceMessage(frame.room, updated);
  }

  /** A newer copy of a message was stored (catch-up, update): deltas held for it may follow now. */
  onMessageStored(room: string, id: string): void {
    const { store } = this.ctx;
    const current = store.getRoom(room).messages.find((m) => m.id === id);
    const updated = current && this.streaming.drain(current);
    if (updated) store.replaceMessage(room, updated);
  }

  onJoined(frame: ServerFrameOf<"joined">): void {
    if (frame.ref) this.joinRefs.delete(frame.ref);
    const { store } = this.ctx;
    const current = store.getRoom(frame.room);
    // Cursors only move forward: a receipt may have overtaken this snapshot.
    const reads = { ...frame.reads };
    for (const [user, seq] of Object.entries(current.reads)) reads[user] = Math.max(seq, reads[user] ?? -1);
    store.patchRoom(frame.room, { joined: true, members: frame.members, error: null, typing: [], reads, delivered: { ...current.delivered, ...frame.delivered } });
    if (frame.presence) store.setPresence(frame.presence);
    this.hooks.joined(frame);
  }

  /** A `join` was refused. True when the error answered one of our joins. */
  onJoinError(frame: ServerFrameOf<"error">): boolean {
    const room = frame.ref ? this.joinRefs.get(frame.ref) : undefined;
    if (!room || !frame.ref) return false;
    this.joinRefs.delete(frame.ref);
    this.joinSent.delete(room);
    this.joinedWithSince.delete(room);
    if (frame.retryable) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.join(room);
      }, frame.retry_after_ms ?? 2000);
      this.retryTimers.add(timer);
      return true;
    }
    this.ctx.store.patchRoom(room, { joined: false, error: sentence(frame.message) });
    return true;
  }

  onMember(frame: ServerFrameOf<"member">): void {
    const { store, directory } = this.ctx;
    const state = store.getRoom(frame.room);
    const me = store.getMe();
    const isMe = !!me && frame.user.id === me.id;
    const reason = frame.reason ?? null;
    const patch: { -readonly [K in keyof RoomState]?: RoomState[K] } = { memberVersion: state.memberVersion + 1 };
    if (isMe && (frame.event === "kicked" || frame.event === "banned" || frame.event === "left")) {
      // The server has already dropped this session from the room; never re-join it by itself.
      this.joinSent.delete(frame.room);
      this.joinedWithSince.delete(frame.room);
      this.background.delete(frame.room);
      directory?.remove(frame.room);
      if (frame.event !== "left") {
        this.removed.add(frame.room);
        patch.joined = false;
        patch.removed = { kind: frame.event, reason };
      }
    }
    if (isMe && frame.event === "muted") patch.mute = { until: frame.until ?? null, reason };
    if (isMe && frame.event === "unmuted") patch.mute = null;
    if (state.members) {
      if (frame.event === "joined" && !state.members.some((m) => m.id === frame.user.id)) {
        patch.members = [...state.members, { ...frame.user, role: frame.role ?? "member" }];
      } else if (frame.event === "left" || frame.event === "kicked" || frame.event === "banned") {
        patch.members = state.members.filter((m) => m.id !== frame.user.id);
      } else if (frame.event === "role" && frame.role) {
        patch.members = state.members.map((m) => (m.id === frame.user.id ? { ...m, role: frame.role! } : m));
      }
    }
    store.patchRoom(frame.room, patch);
  }

  onRoomUpdated(frame: ServerFrameOf<"room_updated">): void {
    const { name, topic, visibility, settings } = frame;
    const changed = { ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(visibility ? { visibility } : {}) };
    const info = this.ctx.store.getRoom(frame.room).info;
    this.ctx.store.patchRoom(frame.room, { info: { ...info, settings, ...changed } });
    this.ctx.directory?.rename(frame.room, changed);
  }
}
