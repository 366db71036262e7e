/**
 * Receipts: this tab's `delivered` and `read` reports, and everyone's cursors from the server.
 *
 * Cursors only move forward. Reports go out only for rooms joined with `since` on the current
 * session; `delivered` is coalesced per room to one frame per DELIVERED_THROTTLE_MS; a read
 * wanted while disconnected is sent after the next join (and again after a reconnect, since a
 * read in flight when the socket died may not have landed).
 */
import type { ServerFrameOf } from "@/protocol";
import type { SyncContext } from "./context";

export const DELIVERED_THROTTLE_MS = 1000;

export class Receipts {
  private readonly deliveredSent = new Map<string, number>();
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Highest seq the UI has shown per room, and the highest reported to the server. */
  private readonly readWanted = new Map<string, number>();
  private readonly readSent = new Map<string, number>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly isSynced: (room: string) => boolean,
  ) {}

  onClosed(): void {
    this.deliveredSent.clear();
    this.readSent.clear();
  }

  stop(): void {
    for (const timer of this.deliveredTimers.values()) clearTimeout(timer);
    this.deliveredTimers.clear();
  }

  /** Reports that messages up to `seq` have been shown (coalesced; never goes back). */
  markDelivered(room: string, seq: number): void {
    if (seq <= (this.deliveredSent.get(room) ?? -1) || this.deliveredTimers.has(room) || !this.isSynced(room)) return;
    this.deliveredTimers.set(
      room,
      setTimeout(() => {
        this.deliveredTimers.delete(room);
        const latest = this.ctx.store.maxSeq(room);
        if (latest === undefined || latest <= (this.deliveredSent.get(room) ?? -1) || !this.isSynced(room)) return;
        const id = crypto.randomUUID();
        if (!this.ctx.transmit({ type: "delivered", id, room, seq: latest })) return;
        this.ctx.quiet(id);
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

  flushRead(room: string): void {
    const wanted = this.readWanted.get(room);
    if (wanted === undefined || wanted <= (this.readSent.get(room) ?? -1) || !this.isSynced(room)) return;
    const id = crypto.randomUUID();
    if (!this.ctx.transmit({ type: "read", id, room, seq: wanted })) return;
    this.ctx.quiet(id);
    this.readSent.set(room, wanted);
  }

  /** The `joined` snapshot carries our own cursors: what the server already has is not re-sent. */
  onJoined(frame: ServerFrameOf<"joined">): void {
    const me = this.ctx.store.getMe();
    if (!me) return;
    const read = this.ctx.store.getRoom(frame.room).reads[me.id];
    if (read !== undefined) {
      this.readSent.set(frame.room, Math.max(this.readSent.get(frame.room) ?? -1, read));
      this.ctx.directory?.markRead(frame.room, read);
    }
    const delivered = frame.delivered?.[me.id];
    if (delivered !== undefined) this.deliveredSent.set(frame.room, Math.max(this.deliveredSent.get(frame.room) ?? -1, delivered));
  }

  onReceipt(frame: ServerFrameOf<"receipt">): void {
    const { store } = this.ctx;
    store.advanceCursor(frame.room, frame.status === "seen" ? "reads" : "delivered", frame.user, frame.seq);
    if (frame.status === "seen") store.advanceCursor(frame.room, "delivered", frame.user, frame.seq);
    const me = store.getMe();
    if (!me || frame.user !== me.id || frame.status !== "seen") return;
    // Read here or in another of the user's tabs: the badge follows, and this tab need not repeat it.
    this.readSent.set(frame.room, Math.max(this.readSent.get(frame.room) ?? -1, frame.seq));
    this.ctx.directory?.markRead(frame.room, frame.seq);
  }
}
