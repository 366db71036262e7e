/**
 * The browser side of the wire contract, as one object the hooks hold. It wires the parts of
 * the sync engine in lib/sync/ to a transport and a ChatStore:
 *
 * - transport: a socket shared by the browser's tabs (shared-transport.ts) or owned by this
 *   tab (socket-transport.ts), with the reconnect schedule and liveness pings;
 * - rooms.ts: open and watched rooms, re-join with `since`, history and gap filling;
 * - outbox.ts: sends, their acks, timeouts and the error-code actions;
 * - receipts.ts: delivered/read reports and cursors;
 * - presence.ts: status, idle and typing.
 *
 * Delivery (DESIGN.md "Delivery semantics"): at-least-once on the wire, exactly once in the UI.
 */
import { CloseCode, PROTOCOL_VERSION, type ClientFrame, type Message, type ServerFrame } from "@/protocol";
import { sentence } from "./api";
import type { ChatStore } from "./chat-store";
import type { OutboxStorage } from "./outbox-storage";
import { restHistory, type DirectoryPort, type HistoryApi, type SyncContext } from "./sync/context";
import { Outbox, type OutgoingFiles } from "./sync/outbox";
import { supersedesStream } from "./sync/deltas";
import { FrameBatch, nextTask, type Scheduler } from "./sync/frame-batch";
import { applyProfile } from "./sync/profiles";
import { PresenceSync, type ChosenStatus } from "./sync/presence";
import { Receipts } from "./sync/receipts";
import { RoomSync } from "./sync/rooms";
import { canShareSocket, SharedTransport } from "./sync/shared-transport";
import { SocketTransport } from "./sync/socket-transport";
import type { Transport } from "./sync/transport";

export type { ChosenStatus };

/** Quiet frame ids remembered at most (best-effort frames get no answer unless they fail). */
const MAX_QUIET = 500;

export interface ChatClientOptions {
  /** Called when the server refuses our credentials; the session is gone. */
  onUnauthenticated?: () => void;
  /** The connection; by default shared by this browser's tabs of `shareKey` where possible. */
  transport?: Transport;
  /** Tabs with the same key (the user's id) share one socket. */
  shareKey?: string;
  /** "My rooms": watched in the background and kept current (unread counts, removals). */
  directory?: DirectoryPort;
  /** Where unacknowledged sends are kept across reloads of the tab (sessionStorage). */
  outbox?: OutboxStorage;
  /** History reads (REST by default). */
  history?: HistoryApi;
  /** When a burst of received frames is applied (the next task by default; see frame-batch.ts). */
  schedule?: Scheduler;
}

/** The browser's transport: one socket per browser where tabs can share it, else one per tab. */
export function browserTransport(shareKey: string | undefined): Transport {
  if (shareKey && canShareSocket()) return new SharedTransport({ key: shareKey, createSocket: () => new SocketTransport() });
  return new SocketTransport();
}

/** When a frame subscriber runs: before the sync engine applies the frame, or after. */
export type FramePhase = "before" | "after";
export type FrameListener = (frame: ServerFrame) => void;

export class ChatClient {
  private readonly transport: Transport;
  /** Frame subscribers by phase: called before, and after, the engine applies a frame. */
  private readonly subscribers: Record<FramePhase, Set<FrameListener>> = { before: new Set(), after: new Set() };
  private ready = false;
  private started = false;
  private readonly quietRefs = new Set<string>();
  private readonly rooms: RoomSync;
  private readonly outbox: Outbox;
  private readonly receipts: Receipts;
  private readonly presence: PresenceSync;
  private readonly incoming: FrameBatch<ServerFrame>;

  constructor(
    readonly store: ChatStore,
    private readonly options: ChatClientOptions = {},
  ) {
    this.transport = options.transport ?? browserTransport(options.shareKey);
    this.incoming = new FrameBatch((frame) => this.onFrame(frame), options.schedule ?? nextTask());
    const ctx: SyncContext = {
      store,
      history: options.history ?? restHistory,
      directory: options.directory,
      transmit: (frame: ClientFrame) => this.ready && this.transport.send(frame),
      isReady: () => this.ready,
      quiet: (id) => {
        if (this.quietRefs.size > MAX_QUIET) this.quietRefs.clear();
        this.quietRefs.add(id);
      },
    };
    this.rooms = new RoomSync(ctx, {
      joinSent: (room) => {
        this.outbox.flush(room);
        this.receipts.flushRead(room);
      },
      joined: (frame) => this.receipts.onJoined(frame),
      hasPending: (room) => this.outbox.hasPending(room),
    });
    this.outbox = new Outbox(ctx, this.rooms, (reason) => this.transport.restart(reason));
    this.receipts = new Receipts(ctx, (room) => this.rooms.isSynced(room));
    this.presence = new PresenceSync(ctx, (room) => this.rooms.isJoined(room));
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /** Opens the connection. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.outbox.restore(this.options.outbox);
    // Frames are applied in bursts; every other event first applies the frames received before it.
    this.transport.start({
      status: (status, retryAt) => {
        this.incoming.flush();
        this.store.setStatus(status, retryAt ?? null);
      },
      ready: (frame) => {
        this.incoming.flush();
        this.ready = true;
        this.store.setMe(frame.user);
        if (frame.protocol > PROTOCOL_VERSION) this.store.setUpdate("available");
        this.presence.onReady();
        this.rooms.onReady();
      },
      frame: (frame) => this.incoming.push(frame),
      closed: (code) => {
        this.incoming.flush();
        this.onClosed(code);
      },
    });
  }

  /** Closes the connection for good (unmount). Store and outbox stay; start() picks them up. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.transport.stop();
    this.incoming.flush();
    this.onClosed(0);
    this.outbox.stop();
    this.rooms.stop();
    this.receipts.stop();
  }

  /** The connection banner's "Retry now": skips the wait of the backoff schedule. */
  reconnectNow(): void {
    if (this.started) this.transport.reconnectNow();
  }

  private onClosed(code: number): void {
    this.ready = false;
    this.quietRefs.clear();
    this.outbox.onClosed();
    this.receipts.onClosed();
    this.presence.onClosed();
    this.rooms.onClosed();
    if (code === CloseCode.UNAUTHENTICATED) {
      this.store.pushNotice("UNAUTHENTICATED", "Your session has expired. Sign in again to keep chatting.", { key: "sessionExpired" });
      this.options.onUnauthenticated?.();
    }
    if (code === CloseCode.UNSUPPORTED_PROTOCOL) this.store.setUpdate("required");
  }

  // --- what the views call --------------------------------------------------------------------

  /** Queues a message; it shows as pending until the server has stored it. Returns its client id. */
  send(room: string, content: string, replyTo?: string, files?: OutgoingFiles): string {
    this.presence.setTyping(room, false);
    return this.outbox.send(room, content, replyTo, files);
  }

  retry(id: string): void {
    this.outbox.retry(id);
  }

  discard(id: string): void {
    this.outbox.discard(id);
  }

  /** Edits one of our messages; online only (edits are not queued). Returns false when offline. */
  edit(room: string, message: string, content: string): boolean {
    return this.transmitOrWarn({ type: "edit", id: crypto.randomUUID(), room, message, content });
  }

  deleteMessage(room: string, message: string): boolean {
    return this.transmitOrWarn({ type: "delete", id: crypto.randomUUID(), room, message });
  }

  /** Stops the assistant's reply `message` (the requester and moderators may; docs/ai.md). */
  cancelReply(room: string, message: string): boolean {
    return this.transmitOrWarn({ type: "cancel", id: crypto.randomUUID(), room, message });
  }

  react(room: string, message: string, emoji: string, op: "add" | "remove"): boolean {
    return this.transmitOrWarn({ type: "react", id: crypto.randomUUID(), room, message, emoji, op });
  }

  private transmitOrWarn(frame: ClientFrame & { room: string }): boolean {
    if (this.rooms.isJoined(frame.room) && this.ready && this.transport.send(frame)) return true;
    this.store.pushNotice("OFFLINE", "You are offline: try again once connected.", { key: "offline" });
    return false;
  }

  openRoom(room: string): () => void {
    return this.rooms.openRoom(room);
  }

  setBackgroundRooms(rooms: Iterable<string>): void {
    this.rooms.setBackgroundRooms(rooms);
  }

  loadLatest(room: string): Promise<void> {
    return this.rooms.loadLatest(room);
  }

  loadOlder(room: string): Promise<void> {
    return this.rooms.loadOlder(room);
  }

  loadBackTo(room: string, seq: number, maxMessages?: number): Promise<boolean> {
    return this.rooms.loadBackTo(room, seq, maxMessages);
  }

  fetchQuote(room: string, id: string): void {
    this.rooms.fetchQuote(room, id);
  }

  markDelivered(room: string, seq: number): void {
    this.receipts.markDelivered(room, seq);
  }

  markRead(room: string, seq: number): void {
    this.receipts.markRead(room, seq);
  }

  setChosenStatus(status: ChosenStatus): void {
    this.presence.setChosenStatus(status);
  }

  setIdle(idle: boolean): void {
    this.presence.setIdle(idle);
  }

  setTyping(room: string, typing: boolean): void {
    this.presence.setTyping(room, typing);
  }

  // --- incoming -------------------------------------------------------------------------------

  /**
   * Calls `listener` with every server frame this tab receives. Phase `after` (the default):
   * once the engine applied it, for views that keep REST data live (the pinned list on
   * `pinned`). Phase `before`: while the state still is as the frame found it (desktop
   * notifications tell news from a replay by the seq the directory already counts).
   * Returns the unsubscribe.
   */
  subscribe(listener: FrameListener, { phase = "after" }: { phase?: FramePhase } = {}): () => void {
    const set = this.subscribers[phase];
    // A wrapper, so the same function subscribed twice is two subscriptions, each removable.
    const entry: FrameListener = (frame) => listener(frame);
    set.add(entry);
    return () => set.delete(entry);
  }

  private onFrame(frame: ServerFrame): void {
    for (const listener of this.subscribers.before) listener(frame);
    this.applyFrame(frame);
    for (const listener of this.subscribers.after) listener(frame);
  }

  private applyFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "joined":
        return this.rooms.onJoined(frame);
      case "message":
        return this.rooms.onMessage(frame.room, frame.message);
      case "ack":
        this.onStored(frame.message);
        return this.outbox.onAck(frame);
      case "gap":
        return this.rooms.onGap(frame);
      case "member":
        return this.rooms.onMember(frame);
      case "error":
        if (frame.ref && this.quietRefs.delete(frame.ref)) return;
        if (this.outbox.onError(frame) || this.rooms.onJoinError(frame)) return;
        return this.store.pushNotice(frame.code, sentence(frame.message));
      case "message_updated":
      case "message_deleted":
        if (this.store.getRoom(frame.room).loaded) this.store.replaceMessage(frame.room, frame.message);
        if (frame.message.streaming) this.rooms.onMessageStored(frame.room, frame.message.id);
        return;
      case "delta":
        return this.rooms.onDelta(frame);
      case "reaction":
        return this.store.setReaction(frame.room, frame.message, { emoji: frame.emoji, count: frame.count, users: frame.users });
      case "typing":
        return this.presence.onTyping(frame);
      case "receipt":
        return this.receipts.onReceipt(frame);
      case "presence":
        return this.presence.onPresence(frame);
      case "room_updated":
        return this.rooms.onRoomUpdated(frame);
      case "unread":
        this.options.directory?.applySummary(frame.rooms);
        if (frame.presence) this.store.setPresence(frame.presence);
        return;
      case "room_activity":
        return this.options.directory?.noteMessage(frame.room, frame.seq, frame.sender === this.store.getMe()?.id, frame.mention === true);
      case "profile":
        return applyProfile(this.store, frame);
      case "room_added":
        // Another tab or device joined, or someone opened a DM with us: pick it up now.
        void this.options.directory?.refresh();
        return;
      case "ready":
      case "pong":
      case "left":
      case "pinned":
        return;
    }
  }

  /** An ack carries the stored message: new, or an edit, delete or reaction of a known one. */
  private onStored(message: Message): void {
    const existing = this.store.getRoom(message.room).messages.find((m) => m.id === message.id);
    // A `cancel` is acked with the reply as last stored, behind the text its deltas built.
    if (existing?.streaming && !supersedesStream(message, existing)) return;
    if (existing) this.store.replaceMessage(message.room, message);
    else this.rooms.onMessage(message.room, message);
  }
}
