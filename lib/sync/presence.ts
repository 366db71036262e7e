/**
 * Presence and typing: the status this user shows (picked, or "idle" after a while without
 * input), re-sent on every session, and the typing indicator both ways.
 */
import type { ServerFrameOf } from "@/protocol";
import type { SyncContext } from "./context";

/** Statuses the user picks; "idle" is set by the client itself after a while without input. */
export type ChosenStatus = "online" | "away" | "dnd";

/** A "start" goes out at most this often while the user types (the server expires it after 3 s). */
export const TYPING_REPEAT_MS = 2000;

export class PresenceSync {
  private chosen: ChosenStatus = "online";
  private idle = false;
  /** What the server has for this session ("online" when a session starts). */
  private sent = "online";
  private readonly typingSentAt = new Map<string, number>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly isJoined: (room: string) => boolean,
  ) {}

  onReady(): void {
    this.sendStatus();
  }

  onClosed(): void {
    this.sent = "online";
    this.typingSentAt.clear();
  }

  /** The status the user picked; sent now and after every reconnect. */
  setChosenStatus(status: ChosenStatus): void {
    this.chosen = status;
    this.sendStatus();
  }

  /** No input for a while (true) or input again (false); only an "online" user becomes idle. */
  setIdle(idle: boolean): void {
    this.idle = idle;
    this.sendStatus();
  }

  private sendStatus(): void {
    const effective = this.chosen === "online" && this.idle ? "idle" : this.chosen;
    if (effective === this.sent || !this.ctx.isReady()) return;
    const id = crypto.randomUUID();
    if (!this.ctx.transmit({ type: "presence", id, status: effective })) return;
    this.ctx.quiet(id);
    this.sent = effective;
    const me = this.ctx.store.getMe();
    if (me) this.ctx.store.setPresence({ [me.id]: { status: effective, last_seen: null } });
  }

  /** Best effort: "start" at most every TYPING_REPEAT_MS while the user types, "stop" when they send or clear the input. */
  setTyping(room: string, typing: boolean): void {
    if (!this.isJoined(room)) return;
    const last = this.typingSentAt.get(room);
    if (typing && last !== undefined && Date.now() - last < TYPING_REPEAT_MS) return;
    if (!typing && last === undefined) return;
    const id = crypto.randomUUID();
    if (!this.ctx.transmit({ type: "typing", id, room, state: typing ? "start" : "stop" })) return;
    this.ctx.quiet(id);
    if (typing) this.typingSentAt.set(room, Date.now());
    else this.typingSentAt.delete(room);
  }

  onTyping(frame: ServerFrameOf<"typing">): void {
    const { store } = this.ctx;
    const me = store.getMe();
    const members = store.getRoom(frame.room).members ?? [];
    const names = frame.users.filter((u) => u !== me?.id).map((u) => frame.names?.[u] ?? members.find((m) => m.id === u)?.username ?? "Someone");
    store.patchRoom(frame.room, { typing: names });
  }

  onPresence(frame: ServerFrameOf<"presence">): void {
    this.ctx.store.setPresence({ [frame.user]: { status: frame.status, last_seen: frame.last_seen } });
  }
}
