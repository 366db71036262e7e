/**
 * The signed-in user's room list ("My rooms") as an external store, so the sidebar, the room
 * view (after joining) and the create form share one list and one refresh.
 */
import type { RoomSummary } from "@/protocol/rest";
import { api, ApiError, sentence } from "./api";

export interface DirectoryState {
  readonly rooms: readonly RoomSummary[];
  readonly loaded: boolean;
  readonly error: string | null;
}

type Listener = () => void;

export class RoomDirectory {
  private state: DirectoryState = { rooms: [], loaded: false, error: null };
  private listeners = new Set<Listener>();
  private inFlight: Promise<void> | null = null;
  private again = false;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): DirectoryState => this.state;

  private set(patch: Partial<DirectoryState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Re-fetches the list; calls made during a fetch coalesce into one more fetch after it. */
  refresh = (): Promise<void> => {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = api
      .listRooms({ scope: "mine" })
      .then(({ rooms }) => this.set({ rooms: this.mergeFetched(rooms), loaded: true, error: null }))
      .catch((err: unknown) => this.set({ loaded: true, error: err instanceof ApiError ? sentence(err.message) : "Could not load your rooms." }))
      .finally(() => {
        this.inFlight = null;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.inFlight;
  };

  /**
   * The REST list is the baseline, but a live message may have been counted after the server
   * answered: where we already know a higher seq, our count (which includes it) is kept.
   */
  private mergeFetched(fetched: RoomSummary[]): RoomSummary[] {
    const known = new Map(this.state.rooms.map((r) => [r.id, r] as const));
    return fetched.map((room) => {
      const local = known.get(room.id);
      if (!local) return room;
      const read_seq = Math.max(local.read_seq ?? 0, room.read_seq ?? 0);
      return local.last_seq > room.last_seq ? { ...room, last_seq: local.last_seq, unread: local.unread, read_seq } : { ...room, read_seq };
    });
  }

  private update(roomId: string, change: (room: RoomSummary) => RoomSummary | null): void {
    const room = this.state.rooms.find((r) => r.id === roomId);
    if (!room) return;
    const next = change(room);
    if (next === room) return;
    this.set({ rooms: next ? this.state.rooms.map((r) => (r.id === roomId ? next : r)) : this.state.rooms.filter((r) => r.id !== roomId) });
  }

  /** The rooms the socket should watch (live unread, receipts, presence). */
  roomIds(): string[] {
    return this.state.rooms.map((r) => r.id);
  }

  /**
   * A live message: counts towards unread when it is someone else's and newer than anything
   * counted (replays after a reconnect carry seqs we already know, and are not counted twice).
   */
  noteMessage(roomId: string, seq: number, fromMe: boolean): void {
    this.update(roomId, (room) => {
      if (seq <= room.last_seq) return room;
      return { ...room, last_seq: seq, unread: fromMe ? (room.unread ?? 0) : (room.unread ?? 0) + 1 };
    });
  }

  /**
   * The server's unread summary (answer to `watch`). Like a REST refresh it is the baseline,
   * unless a live message newer than it was already counted.
   */
  applySummary(summary: ReadonlyArray<{ room: string; last_seq: number; unread: number; read_seq?: number }>): void {
    const byRoom = new Map(summary.map((s) => [s.room, s] as const));
    let changed = false;
    const rooms = this.state.rooms.map((room) => {
      const s = byRoom.get(room.id);
      if (!s || s.last_seq < room.last_seq || (s.last_seq === room.last_seq && s.unread === room.unread)) return room;
      changed = true;
      return { ...room, last_seq: s.last_seq, unread: s.unread, read_seq: Math.max(room.read_seq ?? 0, s.read_seq ?? 0) };
    });
    if (changed) this.set({ rooms });
  }

  /**
   * The user's read cursor moved (this tab or another of theirs): everything up to `seq` is read.
   * Own messages are never unread, so at most `last_seq - seq` remain.
   */
  markRead(roomId: string, seq: number): void {
    this.update(roomId, (room) => {
      const unread = room.unread ?? 0;
      const remaining = seq >= room.last_seq ? 0 : Math.min(unread, room.last_seq - seq);
      const read_seq = Math.max(room.read_seq ?? 0, seq);
      return remaining === unread && read_seq === room.read_seq ? room : { ...room, unread: remaining, read_seq };
    });
  }

  /** Name/topic/visibility changed by an admin. */
  rename(roomId: string, patch: Partial<Pick<RoomSummary, "name" | "topic" | "visibility">>): void {
    this.update(roomId, (room) => ({ ...room, ...patch }));
  }

  /** The user left or was removed: the room leaves the list at once. */
  remove(roomId: string): void {
    this.update(roomId, () => null);
  }

  /** Records a room the user just created or joined, before the next refresh confirms it. */
  upsert(room: RoomSummary): void {
    const rest = this.state.rooms.filter((r) => r.id !== room.id);
    this.set({ rooms: [room, ...rest] });
  }
}
