/**
 * One WebSocket: who it is, which rooms it has joined, and an ordered queue of its frames.
 * Frames from one socket run one at a time, so `join` then `send` never races.
 */
import { randomUUID } from "node:crypto";
import type WebSocket from "ws";
import { CloseCode, type ClientFrame, type Message, type ServerFrame, type ServerFrameOf } from "@/protocol";
import { maskBlocked } from "@/server/chat/wire";
import type { EvictReason } from "@/server/bus";
import type { Identity } from "@/server/auth/tokens";
import { AppError, toAppError } from "@/server/errors";
import type { FrameBudgets } from "@/server/limits";
import type { Logger } from "@/server/log";
import type { Metrics } from "@/server/metrics";
import { DeltaOrder } from "./delta-order";
import { DeltaOutbox } from "./delta-outbox";
import type { RoomListener } from "./registry";
import { encodeFrame, sendFrame, type Encoded } from "./send";

/** Frames waiting behind a slow one; beyond this the client is flooding us. */
const MAX_QUEUED_FRAMES = 64;
/** A client that keeps hitting limits after being told to slow down is disconnected. */
const ABUSE_LIMIT = 100;
const ABUSE_WINDOW_MS = 60_000;

type Buffered = { frame: ServerFrame; encoded: Encoded };

/**
 * Idle sockets are most of a server's sockets, so a connection allocates its per-room and
 * per-feature state on first use: an authenticated socket that joined nothing holds no Map or
 * Set of its own (each costs a hash table even when empty), and every socket starts from the
 * same settled promise and the same empty blocked list.
 */
const SETTLED: Promise<void> = Promise.resolve();
const NOBODY: ReadonlySet<string> = new Set();

/**
 * Node builds `randomUUID()` by concatenating hex pieces, so the string it returns is a tree of
 * ~14 cons strings (~480 B of heap) for as long as it is kept; a flat copy is 56 B. A
 * connection keeps its id for its whole life (and the presence and socket-cap maps key by it).
 */
const flatId = (): string => Buffer.from(randomUUID(), "latin1").toString("latin1");

export class Connection implements RoomListener {
  readonly id = flatId();
  identity: Identity | null = null;
  alive = true;
  private roomMap: Map<string, Buffered[] | null> | undefined;
  private watchedSet: Set<string> | undefined;
  /**
   * Per joined room, the highest message seq this socket was sent. A room's messages reach a
   * socket in seq order, so one at or below it is a copy (a hole fill racing a join's replay):
   * live delivery drops it. Replays are not filtered: a re-join asks for them on purpose.
   */
  private sentSeqMap: Map<string, number> | undefined;
  private queue: Promise<void> = SETTLED;
  /** Users this socket's user blocked: their messages arrive masked. */
  private blocked: ReadonlySet<string> = NOBODY;
  /** The room named in the URL (/ws/<room>); being banned from it ends the socket. */
  initialRoom: string | undefined;
  /** Recent RATE_LIMITED answers (made on the first); sustained abuse closes the socket with 4008. */
  private limitedAt: number[] | undefined;
  /** Presence reaches a socket once per room the user shares with it; send each change once. */
  private presenceSeen: Map<string, string> | undefined;
  private queued = 0;
  /**
   * When the frame being handled must be answered by (performance.now() time). Frames run one
   * at a time, so this belongs to the current frame until its handler resolves.
   */
  frameDeadline = 0;
  private settling: Set<Promise<void>> | undefined;
  /** Whether `blocked` is known yet: it is read on the first join, not on every connect. */
  private blockedKnown = false;
  /** Streaming replies' deltas, once each and in order (server/realtime/delta-order.ts). */
  private deltaOrder: DeltaOrder | undefined;
  /** Deltas ready for the socket, written after the frames people wait for (delta-outbox.ts); made on first use. */
  private deltaOutbox: DeltaOutbox | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly log: Logger,
    /** Per-frame-type rate budgets, charged before a frame is queued. */
    readonly budgets: FrameBudgets,
    /** Longest one frame may hold this socket's queue. */
    private readonly frameTimeoutMs: number,
    private readonly metrics?: Metrics,
  ) {
  }

  get userId(): string {
    return this.identity?.userId ?? "";
  }

  /** Joined rooms; a room maps to a buffer while its join replay is still being written. */
  get rooms(): Map<string, Buffered[] | null> {
    return (this.roomMap ??= new Map());
  }

  /** Rooms followed without joining: they get `room_activity` instead of messages. */
  get watched(): Set<string> {
    return (this.watchedSet ??= new Set());
  }

  private get sentSeq(): Map<string, number> {
    return (this.sentSeqMap ??= new Map());
  }

  private get outbox(): DeltaOutbox {
    return (this.deltaOutbox ??= new DeltaOutbox(this.socket));
  }

  private get deltas(): DeltaOrder {
    return (this.deltaOrder ??= new DeltaOrder());
  }

  /** Every room this socket follows (joined or watched), without allocating for an idle one. */
  followedRooms(): Set<string> {
    return new Set([...(this.roomMap?.keys() ?? []), ...(this.watchedSet ?? [])]);
  }

  /** Forgets every room (the socket closed). */
  clearRooms(): void {
    this.roomMap = undefined;
    this.watchedSet = undefined;
    this.sentSeqMap = undefined;
  }

  send(frame: ServerFrame): void {
    this.metrics?.framesOut.inc({ type: frame.type });
    this.write(frame, encodeFrame(frame));
  }

  /** Writes a room frame; deltas and streaming messages go through the socket's delta order. */
  private write(frame: ServerFrame, encoded: Encoded): void {
    if (frame.type === "delta") return this.outbox.push(frame.message, this.deltas.delta(frame, encoded));
    if (this.deltaOutbox && !overtakesDeltas(frame, this.deltaOutbox)) this.deltaOutbox.flush();
    sendFrame(this.socket, encoded);
    // A finished message only clears what the delta order holds for it: nothing, if it never
    // saw a streaming one (most sockets), so neither is created for them.
    if ((frame.type === "message" || frame.type === "message_updated") && (this.deltaOrder || frame.message.streaming === true)) {
      this.outbox.push(frame.message.id, this.deltas.message(frame.message));
    }
  }

  sendError(err: unknown, ref?: string): void {
    const { error, correlationId } = toAppError(err);
    if (correlationId) this.log.error({ err, correlationId, conn: this.id }, "frame handler failed");
    this.metrics?.errors.inc({ code: error.code, transport: "ws" });
    if (error.code === "RATE_LIMITED" && this.sustainedAbuse()) {
      this.socket.close(CloseCode.RATE_LIMITED, "rate limit exceeded repeatedly");
      return;
    }
    this.send({
      type: "error",
      ...(ref ? { ref } : {}),
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.details.field ? { field: error.details.field } : {}),
      ...(error.details.retryAfterMs !== undefined ? { retry_after_ms: error.details.retryAfterMs } : {}),
      ...(error.details.reason ? { reason: error.details.reason } : {}),
    });
  }

  deliver(room: string, frame: ServerFrame, encoded: Encoded): void {
    const buffer = this.roomMap?.get(room);
    if (buffer === undefined && !this.watchedSet?.has(room)) return;
    if (frame.type === "presence") {
      const state = `${frame.status}|${frame.last_seen}`;
      this.presenceSeen ??= new Map();
      if (this.presenceSeen.get(frame.user) === state) return;
      this.presenceSeen.set(frame.user, state);
    }
    if (buffer === undefined) return this.deliverActivity(room, frame, encoded);
    if ((frame.type === "message" || frame.type === "message_updated") && this.blocked.has(frame.message.sender)) {
      frame = { ...frame, message: maskBlocked(frame.message, this.blocked) };
      encoded = encodeFrame(frame);
    }
    if (buffer) return void buffer.push({ frame, encoded });
    if (frame.type === "message" && !this.advance(room, frame.message.seq)) return;
    this.write(frame, encoded);
  }

  /** Records a message seq sent for the room; false when it was sent already (not above the highest). */
  private advance(room: string, seq: number): boolean {
    if (seq <= (this.sentSeqMap?.get(room) ?? 0)) return false;
    this.sentSeq.set(room, seq);
    return true;
  }

  /** What a watched room's frame becomes: a badge update, or the frames that concern this user. */
  private deliverActivity(room: string, frame: ServerFrame, encoded: Encoded): void {
    switch (frame.type) {
      case "message":
        // A system line is never unread: clients count every `room_activity` towards the badge.
        if (frame.message.kind === "system") return;
        return sendFrame(this.socket, activityOf(room, frame.message, this.userId));
      case "member":
        if (frame.user.id === this.userId) sendFrame(this.socket, encoded);
        return;
      case "receipt":
        if (frame.user === this.userId) sendFrame(this.socket, encoded);
        return;
      case "room_updated":
      case "presence":
        return sendFrame(this.socket, encoded);
      default:
        return;
    }
  }

  /**
   * Drops what was kept for a room the socket no longer follows; a later join starts from its own
   * replay (`finishJoin`), so nothing older can slip through.
   */
  forget(room: string): void {
    if (!this.follows(room)) this.sentSeqMap?.delete(room);
  }

  /** Whether the registry should still deliver this room here (joined or watched). */
  follows(room: string): boolean {
    return this.roomMap?.has(room) === true || this.watchedSet?.has(room) === true;
  }

  evict(room: string, reason: EvictReason): void {
    this.roomMap?.delete(room);
    this.watchedSet?.delete(room);
    this.sentSeqMap?.delete(room);
    if (reason === "banned" && this.initialRoom === room) this.socket.close(CloseCode.FORBIDDEN, "banned from this room");
  }

  sendDirect(encoded: Encoded): void {
    sendFrame(this.socket, encoded);
  }

  /** Whether this socket's user blocked `userId` (their messages reach it masked). */
  hasBlocked(userId: string): boolean {
    return this.blocked.has(userId);
  }

  /** Everyone this socket's user blocked, as known since the first join (see ensureBlocked). */
  get blockedUsers(): ReadonlySet<string> {
    return this.blocked;
  }

  setBlocked(blocked: readonly string[]): void {
    this.blocked = blocked.length > 0 ? new Set(blocked) : NOBODY;
    this.blockedKnown = true;
  }

  /**
   * Loads the blocked list once, before the first room's messages can arrive. A `blocks` event
   * that lands during the read is newer than the read, so it wins.
   */
  async ensureBlocked(load: () => Promise<readonly string[]>): Promise<void> {
    if (this.blockedKnown) return;
    const blocked = await load();
    if (!this.blockedKnown) this.setBlocked(blocked);
  }

  /** Starts buffering a room's live events until its replay has been sent (also on a re-join). */
  beginJoin(room: string): void {
    this.rooms.set(room, this.rooms.get(room) ?? []);
  }

  /**
   * Flushes what arrived during the replay, skipping messages the replay already carried.
   * `upTo`: the room's seq the replay covered (everything at or below it was sent, or was not
   * this socket's to see).
   */
  finishJoin(room: string, replayed: ReadonlySet<string>, upTo?: number): void {
    const buffer = this.rooms.get(room);
    this.rooms.set(room, null);
    if (upTo !== undefined) this.sentSeq.set(room, Math.max(this.sentSeq.get(room) ?? 0, upTo));
    for (const { frame, encoded } of buffer ?? []) {
      if (frame.type === "message" && (replayed.has(frame.message.id) || !this.advance(room, frame.message.seq))) continue;
      this.write(frame, encoded);
    }
  }

  /** More than ABUSE_LIMIT refusals within ABUSE_WINDOW_MS. */
  private sustainedAbuse(): boolean {
    const now = Date.now();
    const recent = (this.limitedAt ?? []).filter((t) => now - t < ABUSE_WINDOW_MS);
    recent.push(now);
    this.limitedAt = recent;
    return recent.length > ABUSE_LIMIT;
  }

  /**
   * Runs `handler` after every earlier frame of this socket has finished. A handler that takes
   * longer than the frame timeout (a hung query) is answered UNAVAILABLE and the queue moves
   * on; whatever it does later is not waited for.
   */
  enqueue(frame: ClientFrame, handler: () => Promise<void>): void {
    const ref = "id" in frame ? frame.id : undefined;
    this.metrics?.framesIn.inc({ type: frame.type });
    try {
      this.budgets.take(frame.type);
    } catch (err) {
      this.sendError(err, ref);
      return;
    }
    if (this.queued >= MAX_QUEUED_FRAMES) {
      this.sendError(new AppError("RATE_LIMITED", "too many frames in flight", { retryAfterMs: 1000 }), ref);
      return;
    }
    this.queued++;
    // The timeout counts from the frame's arrival: time spent behind slower frames counts too.
    const deadline = performance.now() + this.frameTimeoutMs;
    this.queue = this.queue
      .then(() => {
        const left = deadline - performance.now();
        if (left <= 0) throw timedOut(this.frameTimeoutMs);
        this.frameDeadline = deadline;
        return withTimeout(handler(), left, this.frameTimeoutMs);
      })
      .catch((err: unknown) => this.sendError(err, ref))
      .finally(() => {
        this.queued--;
      });
  }

  /** Work a handler started but did not wait for (a send waiting for its commit). */
  settleLater(work: Promise<void>): void {
    const settling = (this.settling ??= new Set());
    settling.add(work);
    void work.finally(() => settling.delete(work));
  }

  /** Resolves when every queued frame has been handled and answered (used on shutdown). */
  async drain(): Promise<void> {
    await this.queue;
    await Promise.allSettled([...(this.settling ?? [])]);
  }
}

/**
 * Frames that may go out ahead of waiting deltas: a finished message none of them extends (a
 * person's message), answers to the socket's own frames. Anything else could concern a
 * streaming reply (its catch-up, its final update), so the deltas go first, as they arrived.
 */
function overtakesDeltas(frame: ServerFrame, outbox: DeltaOutbox): boolean {
  if (outbox.size === 0) return true;
  if (frame.type === "message" || frame.type === "ack") return frame.message.streaming !== true && !outbox.holds(frame.message.id);
  return frame.type === "error";
}

const timedOut = (limitMs: number) => new AppError("UNAVAILABLE", `the server did not answer within ${limitMs} ms; retry`);

function withTimeout(work: Promise<void>, ms: number, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(limitMs)), ms);
  });
  // The abandoned handler may still fail later; its error has nobody left to answer.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A watched room's new message as its follower sees it: a badge update, marked when it mentions them. */
function activityOf(room: string, message: Message, userId: string): ServerFrameOf<"room_activity"> {
  const mention = message.mentions?.includes(userId) === true;
  return { type: "room_activity", room, seq: message.seq, sender: message.sender, ...(mention ? { mention } : {}) };
}
