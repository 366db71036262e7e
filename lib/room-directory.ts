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
      .then(({ rooms }) => this.set({ rooms, loaded: true, error: null }))
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

  /** Clears a room's unread count locally once its latest message has been reported read. */
  markRead(roomId: string, seq: number): void {
    const room = this.state.rooms.find((r) => r.id === roomId);
    if (!room || !room.unread || seq < room.last_seq) return;
    this.set({ rooms: this.state.rooms.map((r) => (r.id === roomId ? { ...r, unread: 0 } : r)) });
  }

  /** Records a room the user just created or joined, before the next refresh confirms it. */
  upsert(room: RoomSummary): void {
    const rest = this.state.rooms.filter((r) => r.id !== room.id);
    this.set({ rooms: [room, ...rest] });
  }
}
