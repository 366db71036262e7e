/**
 * The outbox: every send gets a client UUID and stays pending until a message with that
 * client id arrives (ack or broadcast). At-least-once on the wire, exactly once in the UI:
 * the server is idempotent on the id, so every resend below reuses it.
 *
 * - A send goes out only once its room is joined with `since` on the current session; each
 *   such join flushes the room's entries, so a reconnect resends everything unacknowledged.
 * - On an open session, an unanswered send is resent after ACK_TIMEOUT_MS, MAX_SEND_ATTEMPTS
 *   times in all, then marked failed with Retry (ack-timeout.ts).
 * - Error actions: NOT_IN_ROOM re-joins the room once and resends; a retryable error
 *   (RATE_LIMITED, UNAVAILABLE) waits `retry_after_ms`, shown as a countdown, and resends;
 *   INTERNAL restarts the connection with backoff; anything else (FORBIDDEN, INVALID, ...) is
 *   final and says why.
 * - Entries survive a reload of the tab through OutboxStorage (sessionStorage), a wait for a
 *   retryable error's delay included: it goes on for what is left of it.
 */
import type { Attachment, ServerFrameOf } from "@/protocol";
import type { AttachmentKind } from "../chat-store";
import { sentence } from "../api";
import type { OutboxStorage } from "../outbox-storage";
import { AckTimeouts } from "./ack-timeout";
import type { SyncContext } from "./context";

/** `PendingMessage.errorCode` of a send given up after its ack never came (not a protocol code). */
export const NO_ANSWER = "NO_ANSWER";

/** A wait ended: its time and the error that asked for it no longer describe the entry. */
const WAIT_OVER = { retryAt: undefined, error: undefined, errorCode: undefined, errorReason: undefined } as const;

/** Uploads a send carries: already stored on the server, so a resend names the same ids. */
export interface OutgoingFiles {
  attachments: readonly Attachment[];
  kind: AttachmentKind;
}

export interface OutboxRooms {
  isSynced(room: string): boolean;
  /** Joins the room again on this session; true if a join went out (it flushes the room). */
  rejoin(room: string): boolean;
}

export class Outbox {
  private readonly acks = new AckTimeouts({
    // Settled meanwhile by the message's own broadcast (its ack was lost): nothing to resend.
    resend: (id) => (this.ctx.store.pendingEntry(id) ? this.transmit(id) : this.acks.settle(id)),
    giveUp: (id, attempts) =>
      this.ctx.store.updatePending(id, { state: "failed", error: `No answer from the server after ${attempts} attempts.`, errorCode: NO_ANSWER, errorAttempts: attempts }),
  });
  /** Sends that already made us re-join their room once after NOT_IN_ROOM (a second one fails them). */
  private readonly rejoinedFor = new Set<string>();
  /** Sends waiting out a retryable error's delay. */
  private readonly waits = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly rooms: OutboxRooms,
    private readonly restartConnection: (reason: string) => void,
  ) {}

  /**
   * Puts entries a reload interrupted back (pending, original ids) and keeps the stored copy
   * current. A wait the reload (or a stop) cut short goes on for what is left of it; one whose
   * time passed meanwhile is over, and its entry goes out with its room's next join.
   */
  restore(storage: OutboxStorage | undefined): void {
    const { store } = this.ctx;
    for (const entry of storage?.load() ?? []) {
      if (!store.pendingEntry(entry.id)) store.addPending(entry);
    }
    const now = Date.now();
    for (const entry of store.pendingEntries()) {
      if (entry.retryAt === undefined || entry.state !== "sending" || this.waits.has(entry.id)) continue;
      if (entry.retryAt > now) this.wait(entry.id, entry.retryAt - now);
      else store.updatePending(entry.id, WAIT_OVER);
    }
    if (!storage) return;
    store.onOutboxChange((entries) => storage.save(entries));
    storage.save(store.pendingEntries());
  }

  stop(): void {
    this.acks.pauseAll();
    this.ctx.store.onOutboxChange(null);
    for (const timer of this.waits.values()) clearTimeout(timer);
    this.waits.clear();
  }

  /** The session ended: nothing on it can be answered; the next join resends. */
  onClosed(): void {
    this.acks.pauseAll();
  }

  /** Queues a message; it shows as pending until the server has stored it. Returns its client id. */
  send(room: string, content: string, replyTo?: string, files?: OutgoingFiles): string {
    const id = crypto.randomUUID();
    const attached = files?.attachments.length ? { attachments: files.attachments, kind: files.kind } : {};
    this.ctx.store.addPending({ id, room, content, createdAt: new Date().toISOString(), state: "sending", ...(replyTo ? { replyTo } : {}), ...attached });
    this.transmit(id);
    return id;
  }

  /** Sends a failed message again, with its original id. */
  retry(id: string): void {
    if (!this.ctx.store.pendingEntry(id)) return;
    this.forget(id);
    this.ctx.store.updatePending(id, { state: "sending", error: undefined, errorCode: undefined, errorReason: undefined, errorAttempts: undefined, retryAt: undefined });
    this.transmit(id);
  }

  discard(id: string): void {
    this.forget(id);
    this.ctx.store.removePending(id);
  }

  hasPending(room: string): boolean {
    return this.ctx.store.pendingEntries().some((e) => e.room === room);
  }

  /** Sends the room's entries (after a join with `since` on this session). */
  flush(room: string): void {
    for (const entry of this.ctx.store.pendingEntries()) {
      if (entry.room === room && entry.state === "sending" && !this.waits.has(entry.id)) this.transmit(entry.id);
    }
  }

  private transmit(id: string): void {
    const { store } = this.ctx;
    const entry = store.pendingEntry(id);
    if (!entry || entry.state !== "sending" || !this.rooms.isSynced(entry.room)) return;
    const sent = this.ctx.transmit({
      type: "send",
      id: entry.id,
      room: entry.room,
      content: entry.content,
      ...(entry.replyTo ? { reply_to: entry.replyTo } : {}),
      ...(entry.attachments?.length ? { attachments: entry.attachments.map((a) => a.id), kind: entry.kind } : {}),
    });
    if (sent) this.acks.sent(entry.id);
  }

  /** Resends the entry after `ms`, the server's hint (its `retryAt` shows the countdown meanwhile). */
  private wait(id: string, ms: number): void {
    const previous = this.waits.get(id);
    if (previous) clearTimeout(previous);
    this.waits.set(
      id,
      setTimeout(() => {
        this.waits.delete(id);
        this.ctx.store.updatePending(id, WAIT_OVER);
        this.transmit(id);
      }, ms),
    );
  }

  private forget(id: string): void {
    this.acks.settle(id);
    this.rejoinedFor.delete(id);
    const timer = this.waits.get(id);
    if (timer) clearTimeout(timer);
    this.waits.delete(id);
  }

  /** The server stored one of our sends (an unknown ref is a no-op). */
  onAck(frame: ServerFrameOf<"ack">): void {
    this.forget(frame.ref);
    // The ack settles the entry even if the stored copy differs (e.g. trimmed content).
    this.ctx.store.removePending(frame.ref);
  }

  /** An error answering one of our sends. True when it did. */
  onError(frame: ServerFrameOf<"error">): boolean {
    const ref = frame.ref;
    const entry = ref ? this.ctx.store.pendingEntry(ref) : undefined;
    if (!entry || !ref) return false;
    this.acks.settle(ref);
    if (frame.code === "NOT_IN_ROOM" && !this.rejoinedFor.has(ref)) {
      this.rejoinedFor.add(ref);
      // This session lost the room (a server restart behind a proxy that kept us connected,
      // say): join it again; the join re-sends the outbox, this entry included.
      if (this.rooms.rejoin(entry.room)) return true;
    }
    if (frame.code === "INTERNAL") {
      // Something broke on the server's side of this connection: start a fresh one on the
      // backoff schedule; the entry is resent after the re-join.
      this.restartConnection("server error");
      return true;
    }
    if (frame.retryable) {
      // Stored nothing: try again with the same id after the server's hint, and say so.
      const waitMs = frame.retry_after_ms ?? 2000;
      this.ctx.store.updatePending(ref, { retryAt: Date.now() + waitMs, ...failure(frame) });
      this.wait(ref, waitMs);
      return true;
    }
    this.ctx.store.updatePending(ref, { state: "failed", ...failure(frame) });
    return true;
  }
}

/** What a pending entry keeps of an error frame: the server's words, its code and its reason. */
const failure = (frame: ServerFrameOf<"error">) => ({ error: sentence(frame.message), errorCode: frame.code, errorReason: frame.reason });
