/**
 * The browser side of the wire contract: one reconnecting socket per tab, the rooms the UI
 * has open, and the outbox. All state it produces lands in a ChatStore.
 *
 * Delivery (DESIGN.md "Delivery semantics"): at-least-once on the wire, exactly once in the UI.
 * - Every send gets a client UUID and stays in the outbox until a message with that client id
 *   arrives (ack or broadcast). After each reconnect, unacknowledged sends go out again with
 *   the same id; the server is idempotent on it.
 * - Frames are handed to the socket only while it is open and authenticated. partysocket
 *   would queue sends made while closed and flush them on open; the outbox is the single
 *   source of retries, so nothing is ever left in that queue to be sent twice.
 * - After each (re)connect every open room is re-joined with `since` = highest seq received,
 *   and the server replays what was missed; `gap` frames (and holes in seq seen live) are
 *   filled over REST. The store de-duplicates by message id and orders by seq.
 *
 * Background rooms: every room in "My rooms" is watched, not joined (one `watch` frame; the
 * server answers with the unread summary and then sends `room_activity` per new message, the
 * user's own receipts and removals, room updates and presence), so badges stay live without a
 * join per room on every connect. Only open rooms are joined; opening a room loads its history
 * and joins with `since`, which replays anything the load missed. A background room with
 * unsent messages (restored after a reload) is joined too, so its outbox can drain.
 */
import ReconnectingWebSocket from "partysocket/ws";
import { AckTimeouts } from "./sync/ack-timeout";
import { reconnectDelay, RECONNECT_EVERY_MS } from "./sync/backoff";
import { CloseCode, PROTOCOL_VERSION, parseServerFrame, type ClientFrame, type Message, type ServerFrame, type ServerFrameOf } from "@/protocol";
import { api, ApiError, sentence } from "./api";
import type { ChatStore, RoomState } from "./chat-store";
import type { OutboxStorage } from "./outbox-storage";
import type { RoomDirectory } from "./room-directory";

/** Statuses the user picks; "idle" is set by the client itself after a while without input. */
export type ChosenStatus = "online" | "away" | "dnd";

/** Page size for history requests (latest page and scroll-up pages). */
export const HISTORY_PAGE = 50;
/** The REST history endpoint's largest page, used to fill gaps. */
const GAP_PAGE = 200;
const PING_INTERVAL_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
/** Unmount-then-remount (StrictMode, fast navigation) should not leave and re-join a room. */
const LEAVE_DELAY_MS = 250;
/** `delivered` reports are coalesced per room to at most one per this interval. */
const DELIVERED_THROTTLE_MS = 1000;
/** Rooms per `watch` frame (the server takes at most 1000). */
const WATCH_BATCH = 500;

export interface ChatClientOptions {
  /** Called when the server refuses our credentials; the session is gone. */
  onUnauthenticated?: () => void;
  /** Overrides the socket URL (tests); by default `/ws` on the page's own origin. */
  url?: () => string;
  /** "My rooms": watched in the background and kept current (unread counts, removals). */
  directory?: RoomDirectory;
  /** Where unacknowledged sends are kept across reloads of the tab (sessionStorage). */
  outbox?: OutboxStorage;
}

/**
 * `ws:`/`wss:` to the page's own origin, so the session cookie authenticates the handshake,
 * naming the protocol version this bundle speaks (a server that no longer does closes with 4400).
 */
export function defaultSocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/ws?v=${PROTOCOL_VERSION}`;
}

export class ChatClient {
  private socket: ReconnectingWebSocket | null = null;
  /** The current socket has received `ready` (authenticated); frames may be sent. */
  private ready = false;
  private everReady = false;
  /** The browser reported no network: the socket is closed on purpose until it comes back. */
  private offline = false;
  private unauthenticated = false;
  /** Rooms the UI has open, with how many components hold each. */
  private subscriptions = new Map<string, number>();
  private leaveTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Rooms whose `join` went out on the current socket (sends to them may follow it). */
  private joinSent = new Set<string>();
  /** Of those, the ones joined with `since` (history loaded, replay asked for). */
  private joinedWithSince = new Set<string>();
  /** Rooms watched for live unread/receipts/presence, whether or not they are open. */
  private background = new Set<string>();
  /** Rooms the user was kicked or banned from on this tab: never re-joined automatically. */
  private removed = new Set<string>();
  private deliveredSent = new Map<string, number>();
  private deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private chosenStatus: ChosenStatus = "online";
  private idle = false;
  private statusSent: string = "online";
  /** Join frame id → room, to attribute join errors. */
  private joinRefs = new Map<string, string>();
  private loads = new Map<string, Promise<void>>();
  private quoteLoads = new Set<string>();
  /** Highest seq per room that was received or is being fetched; detects holes in live seqs. */
  private syncedSeq = new Map<string, number>();
  private retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Highest seq the UI has shown per room, and the highest reported to the server. */
  private readWanted = new Map<string, number>();
  private readSent = new Map<string, number>();
  /** Frame ids whose errors are not worth a notice (best-effort frames: read, typing). */
  private quietRefs = new Set<string>();
  private typingSentAt = new Map<string, number>();
  /** Sends on the open socket still waiting for their ack (resent after ACK_TIMEOUT_MS, then failed). */
  private readonly acks = new AckTimeouts({
    // Settled meanwhile by the message's own broadcast (its ack was lost): nothing to resend.
    resend: (id) => (this.store.pendingEntry(id) ? this.transmitPending(id) : this.acks.settle(id)),
    giveUp: (id, attempts) => this.store.updatePending(id, { state: "failed", error: `No answer from the server after ${attempts} attempts.` }),
  });
  /** Sends that already made us re-join their room once after NOT_IN_ROOM (a second one fails them). */
  private readonly rejoinedFor = new Set<string>();
  /** Reconnect attempts since the last `ready` (see lib/sync/backoff.ts). */
  private reconnectAttempts = 0;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  constructor(
    readonly store: ChatStore,
    private readonly options: ChatClientOptions = {},
  ) {}

  // --- lifecycle ------------------------------------------------------------------------------

  /** Opens the socket and starts following the browser's network state. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.offline = typeof navigator !== "undefined" && navigator.onLine === false;
    this.store.setStatus(this.offline ? "offline" : "connecting");
    this.restoreOutbox();
    window.addEventListener("online", this.onBrowserOnline);
    window.addEventListener("offline", this.onBrowserOffline);

    this.socket = this.openSocket(this.offline);
    this.pingTimer = setInterval(this.ping, PING_INTERVAL_MS);
  }

  private openSocket(startClosed: boolean): ReconnectingWebSocket {
    // partysocket reads its options at every attempt and asks shouldReconnectOnClose just
    // before computing the next delay, so the delay is set there from our schedule (with a
    // growth factor of 1, partysocket waits exactly minReconnectionDelay).
    const socketOptions = {
      startClosed,
      minReconnectionDelay: reconnectDelay(0),
      maxReconnectionDelay: RECONNECT_EVERY_MS,
      reconnectionDelayGrowFactor: 1,
      connectionTimeout: 8_000,
      maxRetries: Infinity,
      shouldReconnectOnClose: (event: CloseEvent) => {
        // Bad credentials, or a server that no longer speaks this tab's protocol, will not get
        // better by retrying.
        if (event.code === CloseCode.UNAUTHENTICATED || event.code === CloseCode.UNSUPPORTED_PROTOCOL) return false;
        socketOptions.minReconnectionDelay = reconnectDelay(this.reconnectAttempts++);
        return true;
      },
    };
    const socket = new ReconnectingWebSocket(this.options.url ?? defaultSocketUrl, undefined, socketOptions);
    socket.addEventListener("message", this.onSocketMessage);
    socket.addEventListener("close", this.onSocketClose);
    return socket;
  }

  /** The "Reconnect now" control: skips the wait of the backoff schedule. */
  reconnectNow(): void {
    if (!this.started || this.offline || this.unauthenticated) return;
    this.reconnectAttempts = 0;
    // partysocket's reconnect() is a no-op while it waits out a delay, so the waiting socket is
    // dropped (its pending attempt is cancelled by close()) and a new one connects at once.
    const old = this.socket;
    if (old) {
      old.removeEventListener("message", this.onSocketMessage);
      old.removeEventListener("close", this.onSocketClose);
      old.close(CloseCode.NORMAL, "reconnect now");
    }
    this.resetSocketSession();
    this.store.setStatus(this.everReady ? "reconnecting" : "connecting");
    this.socket = this.openSocket(false);
  }

  /** Closes the socket for good (unmount). Store and outbox stay; start() picks them up. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    window.removeEventListener("online", this.onBrowserOnline);
    window.removeEventListener("offline", this.onBrowserOffline);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.clearPongTimer();
    this.acks.pauseAll();
    this.store.onOutboxChange(null);
    for (const timer of [...this.leaveTimers.values(), ...this.retryTimers.values(), ...this.deliveredTimers.values()]) clearTimeout(timer);
    this.leaveTimers.clear();
    this.retryTimers.clear();
    this.deliveredTimers.clear();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeEventListener("message", this.onSocketMessage);
      socket.removeEventListener("close", this.onSocketClose);
      socket.close(CloseCode.NORMAL, "client closed");
      socket.drainQueuedMessages();
    }
    this.resetSocketSession();
  }

  /**
   * Puts the sends this tab had not seen acknowledged before a reload back in the outbox (as
   * pending, with their original ids), and keeps the stored copy current from now on.
   */
  private restoreOutbox(): void {
    const storage = this.options.outbox;
    if (!storage) return;
    for (const entry of storage.load()) {
      if (!this.store.pendingEntry(entry.id)) this.store.addPending(entry);
    }
    this.store.onOutboxChange((entries) => storage.save(entries));
    storage.save(this.store.pendingEntries());
  }

  private onBrowserOffline = () => {
    // setOffline-style network loss does not always end an open socket; do it ourselves so
    // the state is honest and the reconnect path (re-join + outbox) runs when we are back.
    this.offline = true;
    this.socket?.close(CloseCode.NORMAL, "browser offline");
    this.store.setStatus("offline");
  };

  private onBrowserOnline = () => {
    this.offline = false;
    if (this.unauthenticated) return;
    this.store.setStatus(this.everReady ? "reconnecting" : "connecting");
    this.socket?.reconnect();
  };

  private resetSocketSession(): void {
    this.ready = false;
    this.acks.pauseAll();
    this.joinSent.clear();
    this.joinedWithSince.clear();
    this.deliveredSent.clear();
    this.statusSent = "online";
    this.joinRefs.clear();
    this.quietRefs.clear();
    this.typingSentAt.clear();
    // Re-sent after the next join: a read in flight when the socket died may not have landed.
    this.readSent.clear();
    for (const room of new Set([...this.subscriptions.keys(), ...this.background])) this.store.patchRoom(room, { joined: false, typing: [] });
  }

  private onSocketClose = (event: CloseEvent | Event) => {
    const code = "code" in event ? (event as CloseEvent).code : 0;
    this.resetSocketSession();
    this.clearPongTimer();
    if (code === CloseCode.UNAUTHENTICATED) {
      this.unauthenticated = true;
      this.store.setStatus("offline");
      this.store.pushNotice("UNAUTHENTICATED", "Your session has expired. Sign in again to keep chatting.");
      this.options.onUnauthenticated?.();
      return;
    }
    if (code === CloseCode.UNSUPPORTED_PROTOCOL) {
      this.store.setStatus("offline");
      this.store.setUpdate("required");
      return;
    }
    if (this.offline || !this.started) this.store.setStatus("offline");
    else this.store.setStatus(this.everReady ? "reconnecting" : "connecting");
  };

  // --- outgoing -------------------------------------------------------------------------------

  /** Writes a frame to the open, authenticated socket; returns false (and sends nothing) otherwise. */
  private transmit(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || !this.ready || socket.readyState !== ReconnectingWebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  private ping = () => {
    if (!this.ready || this.pongTimer) return;
    if (!this.transmit({ type: "ping" })) return;
    // No pong in time: the connection is dead without a close (sleep, network change).
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      // 1000: browsers refuse any other code below 3000 from a page (partysocket would swallow
      // the error and never report the close).
      this.socket?.reconnect(CloseCode.NORMAL, "pong timeout");
    }, PONG_TIMEOUT_MS);
  };

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  /** Queues a message; it shows as pending until the server has stored it. Returns its client id. */
  send(room: string, content: string, replyTo?: string): string {
    this.setTyping(room, false);
    const id = crypto.randomUUID();
    this.store.addPending({ id, room, content, createdAt: new Date().toISOString(), state: "sending", ...(replyTo ? { replyTo } : {}) });
    this.transmitPending(id);
    return id;
  }

  /** Sends a failed message again, with its original id. */
  retry(id: string): void {
    const entry = this.store.pendingEntry(id);
    if (!entry) return;
    this.acks.settle(id);
    this.store.updatePending(id, { state: "sending", error: undefined });
    this.transmitPending(id);
  }

  /** Edits one of our messages; online only (edits are not queued). Returns false when offline. */
  edit(room: string, message: string, content: string): boolean {
    return this.transmitOrWarn({ type: "edit", id: crypto.randomUUID(), room, message, content });
  }

  deleteMessage(room: string, message: string): boolean {
    return this.transmitOrWarn({ type: "delete", id: crypto.randomUUID(), room, message });
  }

  react(room: string, message: string, emoji: string, op: "add" | "remove"): boolean {
    return this.transmitOrWarn({ type: "react", id: crypto.randomUUID(), room, message, emoji, op });
  }

  private transmitOrWarn(frame: ClientFrame): boolean {
    if ("room" in frame && this.joinSent.has(frame.room) && this.transmit(frame)) return true;
    this.store.pushNotice("OFFLINE", "You are offline: try again once connected.");
    return false;
  }

  discard(id: string): void {
    this.acks.settle(id);
    const timer = this.retryTimers.get(id);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(id);
    this.store.removePending(id);
  }

  /** Sends an outbox entry if its room is joined on this socket; otherwise the next join flushes it. */
  private transmitPending(id: string): void {
    const entry = this.store.pendingEntry(id);
    // A background (bare) join is not enough: the room's history must be loaded and replayed first.
    if (!entry || entry.state !== "sending" || !this.joinedWithSince.has(entry.room)) return;
    // A wait restored from storage (or cut short by a reconnect) is over once we send.
    if (entry.retryAt !== undefined) this.store.updatePending(entry.id, { retryAt: undefined, error: undefined });
    if (this.transmit({ type: "send", id: entry.id, room: entry.room, content: entry.content, ...(entry.replyTo ? { reply_to: entry.replyTo } : {}) })) this.acks.sent(entry.id);
  }

  private hasPending(room: string): boolean {
    return this.store.pendingEntries().some((e) => e.room === room);
  }

  private flushOutbox(room: string): void {
    for (const entry of this.store.pendingEntries()) {
      if (entry.room === room && entry.state === "sending" && !this.retryTimers.has(entry.id)) this.transmitPending(entry.id);
    }
  }

  // --- rooms ----------------------------------------------------------------------------------

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
    if (this.removed.delete(room)) this.store.patchRoom(room, { removed: null, error: null });
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
          if (this.subscriptions.has(room) || this.hasPending(room)) return;
          this.joinedWithSince.delete(room);
          if (this.joinSent.delete(room)) this.transmit({ type: "leave", room });
          this.store.patchRoom(room, { joined: false });
        }, LEAVE_DELAY_MS),
      );
    };
  }

  /**
   * Joins a room on the current socket: an open room, or a background room with unsent
   * messages. It waits for the room's history and asks for everything after the highest seq
   * held.
   */
  private join(room: string): void {
    if (!this.ready || this.removed.has(room)) return;
    const open = this.subscriptions.has(room);
    if (!open && !(this.background.has(room) && this.hasPending(room))) return;
    const state = this.store.getRoom(room);
    // A background room with unsent messages (restored after a reload) needs its history too:
    // sends go out only after a join with `since`, which settles anything already stored.
    if ((open || this.hasPending(room)) && !state.loaded) {
      if (!open) void this.loadLatest(room).then(() => this.store.getRoom(room).loaded && this.join(room));
      return;
    }
    const withSince = state.loaded;
    if (this.joinSent.has(room) && (!withSince || this.joinedWithSince.has(room))) return;
    const id = crypto.randomUUID();
    const frame: ClientFrame = withSince ? { type: "join", id, room, since: this.store.maxSeq(room) ?? 0 } : { type: "join", id, room };
    if (!this.transmit(frame)) return;
    this.joinSent.add(room);
    if (withSince) this.joinedWithSince.add(room);
    this.joinRefs.set(id, room);
    // Frames on one socket are handled in order, so sends after the join find us joined.
    this.flushOutbox(room);
    this.flushRead(room);
  }

  /**
   * The rooms to watch in the background ("My rooms"). New ones are watched; ones no longer
   * listed are unwatched (and left unless open).
   */
  setBackgroundRooms(rooms: Iterable<string>): void {
    const next = new Set(rooms);
    const gone: string[] = [];
    for (const room of this.background) {
      if (next.has(room)) continue;
      this.background.delete(room);
      gone.push(room);
      if (this.subscriptions.has(room) || this.leaveTimers.has(room)) continue;
      this.joinedWithSince.delete(room);
      if (this.joinSent.delete(room)) this.transmit({ type: "leave", room });
    }
    if (gone.length > 0 && this.ready) this.transmit({ type: "unwatch", rooms: gone });
    const added = [...next].filter((room) => !this.background.has(room));
    for (const room of added) this.background.add(room);
    this.watch(added);
    for (const room of added) this.join(room);
  }

  /** Asks for `room_activity` of these rooms and their unread summary (answered with `unread`). */
  private watch(rooms: string[]): void {
    if (!this.ready || rooms.length === 0) return;
    for (let i = 0; i < rooms.length; i += WATCH_BATCH) this.transmit({ type: "watch", rooms: rooms.slice(i, i + WATCH_BATCH) });
  }

  /** The status the user picked; sent now and after every reconnect. */
  setChosenStatus(status: ChosenStatus): void {
    this.chosenStatus = status;
    this.sendStatus();
  }

  /** No input for a while (true) or input again (false); only an "online" user becomes idle. */
  setIdle(idle: boolean): void {
    this.idle = idle;
    this.sendStatus();
  }

  private sendStatus(): void {
    const effective = this.chosenStatus === "online" && this.idle ? "idle" : this.chosenStatus;
    if (effective === this.statusSent || !this.ready) return;
    const id = crypto.randomUUID();
    if (!this.transmit({ type: "presence", id, status: effective })) return;
    this.quiet(id);
    this.statusSent = effective;
    const me = this.store.getMe();
    if (me) this.store.setPresence({ [me.id]: { status: effective, last_seen: null } });
  }

  /** Reports that messages up to `seq` have been shown (coalesced; never goes back). */
  markDelivered(room: string, seq: number): void {
    if (seq <= (this.deliveredSent.get(room) ?? -1) || this.deliveredTimers.has(room) || !this.joinedWithSince.has(room)) return;
    this.deliveredTimers.set(
      room,
      setTimeout(() => {
        this.deliveredTimers.delete(room);
        const latest = this.store.maxSeq(room);
        if (latest === undefined || latest <= (this.deliveredSent.get(room) ?? -1) || !this.joinedWithSince.has(room)) return;
        const id = crypto.randomUUID();
        if (!this.transmit({ type: "delivered", id, room, seq: latest })) return;
        this.quiet(id);
        this.deliveredSent.set(room, latest);
      }, DELIVERED_THROTTLE_MS),
    );
  }

  /** Reports that the user has seen the room up to `seq` (sent once joined; never goes back). */
  markRead(room: string, seq: number): void {
    if (seq <= (this.readWanted.get(room) ?? -1)) return;
    this.readWanted.set(room, seq);
    this.flushRead(room);
  }

  private flushRead(room: string): void {
    const wanted = this.readWanted.get(room);
    if (wanted === undefined || wanted <= (this.readSent.get(room) ?? -1) || !this.joinedWithSince.has(room)) return;
    const id = crypto.randomUUID();
    if (!this.transmit({ type: "read", id, room, seq: wanted })) return;
    this.quiet(id);
    this.readSent.set(room, wanted);
  }

  /**
   * Typing indicator, best effort: "start" at most every 2 s while the user types (the server
   * expires it 3 s after the last one), "stop" when they send or clear the input.
   */
  setTyping(room: string, typing: boolean): void {
    if (!this.joinSent.has(room)) return;
    const last = this.typingSentAt.get(room);
    if (typing && last !== undefined && Date.now() - last < 2000) return;
    if (!typing && last === undefined) return;
    const id = crypto.randomUUID();
    if (!this.transmit({ type: "typing", id, room, state: typing ? "start" : "stop" })) return;
    this.quiet(id);
    if (typing) this.typingSentAt.set(room, Date.now());
    else this.typingSentAt.delete(room);
  }

  /** Fetches the latest page of a room's history once; later pages come from loadOlder. */
  loadLatest(room: string): Promise<void> {
    const state = this.store.getRoom(room);
    if (state.loaded) return Promise.resolve();
    const inFlight = this.loads.get(room);
    if (inFlight) return inFlight;
    this.store.patchRoom(room, { loading: true, error: null });
    const load = api
      .listMessages(room, { limit: HISTORY_PAGE })
      .then(({ messages }) => {
        this.store.addMessages(room, messages);
        const max = messages[messages.length - 1]?.seq ?? 0;
        this.syncedSeq.set(room, Math.max(this.syncedSeq.get(room) ?? 0, max));
        this.store.patchRoom(room, { loaded: true, loading: false, hasOlder: messages.length === HISTORY_PAGE });
      })
      .catch((err: unknown) => {
        this.store.patchRoom(room, { loading: false, error: errorText(err) });
      })
      .finally(() => this.loads.delete(room));
    this.loads.set(room, load);
    return load;
  }

  /** Loads the page of history just below the lowest loaded seq. */
  async loadOlder(room: string): Promise<void> {
    const state = this.store.getRoom(room);
    const before = this.store.minSeq(room);
    if (!state.loaded || !state.hasOlder || state.loadingOlder || before === undefined) return;
    this.store.patchRoom(room, { loadingOlder: true });
    try {
      const { messages } = await api.listMessages(room, { before, limit: HISTORY_PAGE });
      this.store.addMessages(room, messages);
      this.store.patchRoom(room, { loadingOlder: false, hasOlder: messages.length === HISTORY_PAGE });
    } catch (err) {
      this.store.patchRoom(room, { loadingOlder: false });
      this.store.pushNotice("HISTORY", `Could not load older messages: ${errorText(err)}`);
    }
  }

  /**
   * Fetches one message by id for a reply quote, when the parent is older than the loaded
   * history. Cached in the store (null when it is gone or not visible); fetched once.
   */
  fetchQuote(room: string, id: string): void {
    if (id in this.store.getQuotes() || this.quoteLoads.has(id)) return;
    this.quoteLoads.add(id);
    api
      .getMessage(room, id)
      .then(({ message }) => this.store.setQuote(id, message))
      .catch((err: unknown) => {
        // A 404 is final (deleted room history, not visible); other failures may be retried later.
        if (err instanceof ApiError && err.status === 404) this.store.setQuote(id, null);
      })
      .finally(() => this.quoteLoads.delete(id));
  }

  /**
   * Loads history back to `seq` (inclusive), gap-free, so a reply's parent can be shown in
   * place. Bounded: at most `maxMessages` are fetched. Resolves true once `seq` is held.
   */
  async loadBackTo(room: string, seq: number, maxMessages = 2000): Promise<boolean> {
    const state = this.store.getRoom(room);
    const min = this.store.minSeq(room);
    if (!state.loaded || min === undefined) return false;
    if (min <= seq) return true;
    if (min - seq > maxMessages || state.loadingOlder) return false;
    this.store.patchRoom(room, { loadingOlder: true });
    let before = min;
    try {
      while (before > seq) {
        const { messages } = await api.listMessages(room, { after: seq - 1, before, limit: GAP_PAGE });
        this.store.addMessages(room, messages);
        if (messages.length === 0) break;
        before = messages[0]!.seq;
      }
      this.store.patchRoom(room, { loadingOlder: false, hasOlder: seq > 1 && this.store.getRoom(room).hasOlder });
    } catch (err) {
      this.store.patchRoom(room, { loadingOlder: false });
      this.store.pushNotice("HISTORY", `Could not load older messages: ${errorText(err)}`);
      return false;
    }
    return (this.store.minSeq(room) ?? Infinity) <= seq;
  }

  /** Fetches seqs from..to (inclusive) over REST, newest page first, until the range is covered. */
  private async fillRange(room: string, from: number, to: number, attempt = 0): Promise<void> {
    let before = to + 1;
    try {
      while (before > from) {
        const { messages } = await api.listMessages(room, { after: from - 1, before, limit: GAP_PAGE });
        this.store.addMessages(room, messages);
        if (messages.length < GAP_PAGE) return;
        before = messages[0]!.seq;
      }
    } catch (err) {
      if (attempt < 3) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
        return this.fillRange(room, from, Math.min(to, before - 1), attempt + 1);
      }
      this.store.pushNotice("HISTORY", `Some messages could not be loaded: ${errorText(err)}`);
    }
  }

  // --- incoming -------------------------------------------------------------------------------

  private onSocketMessage = (event: MessageEvent) => {
    if (typeof event.data !== "string") return;
    const frame = parseServerFrame(event.data);
    if (frame) this.onFrame(frame);
  };

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "ready":
        return this.onReady(frame);
      case "joined":
        return this.onJoined(frame);
      case "message":
        return this.onMessage(frame.room, frame.message);
      case "ack":
        this.clearRetry(frame.ref);
        this.acks.settle(frame.ref);
        // Edits, deletes and reactions are acked with their message too: not new messages.
        if (this.store.getRoom(frame.message.room).messages.some((m) => m.id === frame.message.id)) this.store.replaceMessage(frame.message.room, frame.message);
        else this.onMessage(frame.message.room, frame.message);
        // The ack settles the entry even if the stored copy differs (e.g. trimmed content).
        this.store.removePending(frame.ref);
        this.rejoinedFor.delete(frame.ref);
        return;
      case "gap": {
        this.syncedSeq.set(frame.room, Math.max(this.syncedSeq.get(frame.room) ?? 0, frame.to));
        void this.fillRange(frame.room, frame.from, frame.to);
        return;
      }
      case "member":
        return this.onMember(frame);
      case "pong":
        return this.clearPongTimer();
      case "error":
        return this.onError(frame);
      case "message_updated":
      case "message_deleted":
        if (this.store.getRoom(frame.room).loaded) this.store.replaceMessage(frame.room, frame.message);
        return;
      case "reaction":
        this.store.setReaction(frame.room, frame.message, { emoji: frame.emoji, count: frame.count, users: frame.users });
        return;
      case "typing": {
        const me = this.store.getMe();
        const members = this.store.getRoom(frame.room).members ?? [];
        const names = frame.users
          .filter((u) => u !== me?.id)
          .map((u) => frame.names?.[u] ?? members.find((m) => m.id === u)?.username ?? "Someone");
        this.store.patchRoom(frame.room, { typing: names });
        return;
      }
      case "receipt":
        return this.onReceipt(frame);
      case "presence":
        this.store.setPresence({ [frame.user]: { status: frame.status, last_seen: frame.last_seen } });
        return;
      case "room_updated": {
        const { name, topic, visibility, settings } = frame;
        const info = this.store.getRoom(frame.room).info;
        this.store.patchRoom(frame.room, { info: { ...info, settings, ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(visibility ? { visibility } : {}) } });
        this.options.directory?.rename(frame.room, { ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(visibility ? { visibility } : {}) });
        return;
      }
      case "unread":
        this.options.directory?.applySummary(frame.rooms);
        if (frame.presence) this.store.setPresence(frame.presence);
        return;
      case "room_activity":
        this.options.directory?.noteMessage(frame.room, frame.seq, frame.sender === this.store.getMe()?.id);
        return;
      case "room_added":
        // Another tab or device joined, or someone opened a DM with us: pick it up now.
        void this.options.directory?.refresh();
        return;
      case "left":
        return;
    }
  }

  private onReady(frame: ServerFrameOf<"ready">): void {
    this.ready = true;
    this.everReady = true;
    this.reconnectAttempts = 0;
    this.unauthenticated = false;
    this.store.setMe(frame.user);
    this.store.setStatus("online");
    if (frame.protocol > PROTOCOL_VERSION) this.store.setUpdate("available");
    // Anything partysocket buffered while closed is dropped: the outbox re-sends it by id.
    this.socket?.drainQueuedMessages();
    this.sendStatus();
    for (const room of this.subscriptions.keys()) {
      if (this.store.getRoom(room).loaded) this.join(room);
      else void this.loadLatest(room).then(() => this.join(room));
    }
    this.watch([...this.background]);
    for (const room of this.background) this.join(room);
  }

  private onJoined(frame: ServerFrameOf<"joined">): void {
    if (frame.ref) this.joinRefs.delete(frame.ref);
    const me = this.store.getMe();
    const current = this.store.getRoom(frame.room);
    // Cursors only move forward: a receipt may have overtaken this snapshot.
    const reads = { ...frame.reads };
    for (const [user, seq] of Object.entries(current.reads)) reads[user] = Math.max(seq, reads[user] ?? -1);
    this.store.patchRoom(frame.room, { joined: true, members: frame.members, error: null, typing: [], reads, delivered: { ...current.delivered, ...frame.delivered } });
    if (frame.presence) this.store.setPresence(frame.presence);
    if (me && reads[me.id] !== undefined) {
      this.readSent.set(frame.room, Math.max(this.readSent.get(frame.room) ?? -1, reads[me.id]!));
      this.options.directory?.markRead(frame.room, reads[me.id]!);
    }
    if (me && frame.delivered?.[me.id] !== undefined) this.deliveredSent.set(frame.room, Math.max(this.deliveredSent.get(frame.room) ?? -1, frame.delivered[me.id]!));
  }

  private onReceipt(frame: ServerFrameOf<"receipt">): void {
    this.store.advanceCursor(frame.room, frame.status === "seen" ? "reads" : "delivered", frame.user, frame.seq);
    if (frame.status === "seen") this.store.advanceCursor(frame.room, "delivered", frame.user, frame.seq);
    const me = this.store.getMe();
    if (!me || frame.user !== me.id || frame.status !== "seen") return;
    // Read here or in another of the user's tabs: the badge follows, and this tab need not repeat it.
    this.readSent.set(frame.room, Math.max(this.readSent.get(frame.room) ?? -1, frame.seq));
    this.options.directory?.markRead(frame.room, frame.seq);
  }

  private onMessage(room: string, message: Message): void {
    this.options.directory?.noteMessage(room, message.seq, message.sender === this.store.getMe()?.id);
    // A background room's history is loaded (and replayed from its highest seq) when opened.
    if (!this.store.getRoom(room).loaded) return;
    const synced = this.syncedSeq.get(room);
    this.store.addMessages(room, [message]);
    if (synced === undefined || !this.store.getRoom(room).loaded) return;
    if (message.seq > synced + 1) void this.fillRange(room, synced + 1, message.seq - 1);
    this.syncedSeq.set(room, Math.max(synced, message.seq));
  }

  private onMember(frame: ServerFrameOf<"member">): void {
    const state = this.store.getRoom(frame.room);
    const me = this.store.getMe();
    const isMe = !!me && frame.user.id === me.id;
    const reason = frame.reason ?? null;
    const patch: { -readonly [K in keyof RoomState]?: RoomState[K] } = { memberVersion: state.memberVersion + 1 };
    if (isMe && (frame.event === "kicked" || frame.event === "banned" || frame.event === "left")) {
      // The server has already dropped this socket from the room; never re-join it by itself.
      this.joinSent.delete(frame.room);
      this.joinedWithSince.delete(frame.room);
      this.background.delete(frame.room);
      this.options.directory?.remove(frame.room);
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
    this.store.patchRoom(frame.room, patch);
  }

  private onError(frame: ServerFrameOf<"error">): void {
    const ref = frame.ref;
    if (ref && this.quietRefs.delete(ref)) return;
    const pending = ref ? this.store.pendingEntry(ref) : undefined;
    if (pending && ref) {
      this.acks.settle(ref);
      if (frame.code === "NOT_IN_ROOM" && !this.rejoinedFor.has(ref)) {
        this.rejoinedFor.add(ref);
        // This socket lost the room (a server restart behind a proxy that kept us connected,
        // say): join it again; the join re-sends the outbox, this entry included.
        this.joinSent.delete(pending.room);
        this.joinedWithSince.delete(pending.room);
        this.join(pending.room);
        if (this.joinSent.has(pending.room)) return;
      }
      if (frame.code === "INTERNAL") {
        // Something broke on the server's side of this connection: start a fresh one (with
        // the backoff schedule); the outbox resends this entry after the re-join.
        this.socket?.reconnect(CloseCode.NORMAL, "server error");
        return;
      }
      if (frame.retryable) {
        // Stored nothing; try again with the same id after the server's hint, and say so.
        const waitMs = frame.retry_after_ms ?? 2000;
        this.clearRetry(ref);
        this.store.updatePending(ref, { retryAt: Date.now() + waitMs, error: sentence(frame.message) });
        this.retryTimers.set(
          ref,
          setTimeout(() => {
            this.retryTimers.delete(ref);
            this.store.updatePending(ref, { retryAt: undefined, error: undefined });
            this.transmitPending(ref);
          }, waitMs),
        );
      } else {
        this.store.updatePending(ref, { state: "failed", error: sentence(frame.message) });
      }
      return;
    }
    const joinRoom = ref ? this.joinRefs.get(ref) : undefined;
    if (joinRoom && ref) {
      this.joinRefs.delete(ref);
      this.joinSent.delete(joinRoom);
      if (frame.retryable) {
        setTimeout(() => this.join(joinRoom), frame.retry_after_ms ?? 2000);
        return;
      }
      this.store.patchRoom(joinRoom, { joined: false, error: sentence(frame.message) });
      return;
    }
    this.store.pushNotice(frame.code, sentence(frame.message));
  }

  /** Remembers a best-effort frame's id; these frames get no answer unless they fail. */
  private quiet(id: string): void {
    if (this.quietRefs.size > 500) this.quietRefs.clear();
    this.quietRefs.add(id);
  }

  private clearRetry(id: string): void {
    const timer = this.retryTimers.get(id);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(id);
  }
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) return sentence(err.message);
  return err instanceof Error ? err.message : String(err);
}
