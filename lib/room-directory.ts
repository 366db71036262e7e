/**
 * The signed-in user's room list ("My rooms") with live unread counts. The list lives in the
 * TanStack Query cache under `queryKeys.myRooms`: the sidebar reads it with useQuery (useMyRooms),
 * REST refreshes replace it, and the chat client's live updates (summaries, messages, reads,
 * renames, removals) are written into the same cache entry with setQueryData, so there is one
 * source of truth.
 */
import { hashKey, type QueryClient, queryOptions } from "@tanstack/react-query";
import type { RoomSummary } from "@/protocol/rest";
import { api } from "./api";
import { queryKeys } from "./queries";

export type FetchMyRooms = (signal: AbortSignal) => Promise<RoomSummary[]>;

const fetchMine: FetchMyRooms = (signal) => api.listRooms({ scope: "mine" }, signal).then((r) => r.rooms);
const NO_ROOMS: readonly RoomSummary[] = [];
const MY_ROOMS_HASH = hashKey(queryKeys.myRooms);

export class RoomDirectory {
  /** The query for useQuery: its fetch merges with what live frames counted meanwhile. */
  readonly query;

  constructor(
    private readonly queryClient: QueryClient,
    fetchRooms: FetchMyRooms = fetchMine,
  ) {
    const queryFn = async ({ signal }: { signal: AbortSignal }): Promise<readonly RoomSummary[]> => this.mergeFetched(await fetchRooms(signal));
    // The chat client writes into this entry while no view may be watching it: never collected.
    this.query = queryOptions({ queryKey: queryKeys.myRooms, queryFn, gcTime: Infinity });
    // Entries created by setQueryData (before any view mounted) get the same fetch and lifetime.
    queryClient.setQueryDefaults(queryKeys.myRooms, { queryFn, gcTime: Infinity });
  }

  /** Called whenever the list changes (not on fetch status changes). */
  subscribe = (listener: () => void): (() => void) =>
    this.queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "success" && event.query.queryHash === MY_ROOMS_HASH) listener();
    });

  /** The list as cached (empty before the first fetch). */
  rooms(): readonly RoomSummary[] {
    return this.queryClient.getQueryData<readonly RoomSummary[]>(queryKeys.myRooms) ?? NO_ROOMS;
  }

  /**
   * Re-fetches the list. A fetch already running is cancelled and started again, so the answer
   * always reflects what happened before this call (a join, a new room).
   */
  refresh = async (): Promise<void> => {
    const state = this.queryClient.getQueryState(queryKeys.myRooms);
    if (state?.fetchStatus === "fetching" && state.data === undefined) {
      // TanStack shares (rather than restarts) a first load still running: let it end, then ask again.
      await this.queryClient.fetchQuery(this.query).catch(() => undefined);
    }
    if (this.queryClient.getQueryState(queryKeys.myRooms)) await this.queryClient.refetchQueries({ queryKey: queryKeys.myRooms, exact: true, type: "all" });
    else await this.queryClient.prefetchQuery(this.query);
  };

  /**
   * The REST list is the baseline, but a live message may have been counted after the server
   * answered: where we already know a higher seq, our count (which includes it) is kept.
   */
  private mergeFetched(fetched: readonly RoomSummary[]): readonly RoomSummary[] {
    const known = new Map(this.rooms().map((r) => [r.id, r] as const));
    return fetched.map((room) => {
      const local = known.get(room.id);
      if (!local) return room;
      const read_seq = Math.max(local.read_seq ?? 0, room.read_seq ?? 0);
      return local.last_seq > room.last_seq ? { ...room, last_seq: local.last_seq, unread: local.unread, mentions: local.mentions, read_seq } : { ...room, read_seq };
    });
  }

  private write(next: readonly RoomSummary[]): void {
    this.queryClient.setQueryData(queryKeys.myRooms, next);
  }

  private update(roomId: string, change: (room: RoomSummary) => RoomSummary | null): void {
    const rooms = this.rooms();
    const room = rooms.find((r) => r.id === roomId);
    if (!room) return;
    const next = change(room);
    if (next === room) return;
    this.write(next ? rooms.map((r) => (r.id === roomId ? next : r)) : rooms.filter((r) => r.id !== roomId));
  }

  /** The rooms the socket should watch (live unread, receipts, presence). */
  roomIds(): string[] {
    return this.rooms().map((r) => r.id);
  }

  /**
   * A live message: counts towards unread when it is someone else's and newer than anything
   * counted (replays after a reconnect carry seqs we already know, and are not counted twice).
   */
  noteMessage(roomId: string, seq: number, fromMe: boolean, mention = false): void {
    this.update(roomId, (room) => {
      if (seq <= room.last_seq) return room;
      const mentions = (room.mentions ?? 0) + (mention && !fromMe ? 1 : 0);
      return { ...room, last_seq: seq, unread: fromMe ? (room.unread ?? 0) : (room.unread ?? 0) + 1, mentions };
    });
  }

  /**
   * The server's unread summary (answer to `watch`). Like a REST refresh it is the baseline,
   * unless a live message newer than it was already counted.
   */
  applySummary(summary: ReadonlyArray<{ room: string; last_seq: number; unread: number; read_seq?: number; mentions?: number }>): void {
    const byRoom = new Map(summary.map((s) => [s.room, s] as const));
    let changed = false;
    const rooms = this.rooms().map((room) => {
      const s = byRoom.get(room.id);
      const mentions = s?.mentions ?? 0;
      if (!s || s.last_seq < room.last_seq || (s.last_seq === room.last_seq && s.unread === room.unread && mentions === (room.mentions ?? 0))) return room;
      changed = true;
      return { ...room, last_seq: s.last_seq, unread: s.unread, mentions, read_seq: Math.max(room.read_seq ?? 0, s.read_seq ?? 0) };
    });
    if (changed) this.write(rooms);
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
      // Which unread messages mention us is not known here; never more than remain unread.
      const mentions = Math.min(room.mentions ?? 0, remaining);
      return remaining === unread && read_seq === room.read_seq && mentions === (room.mentions ?? 0) ? room : { ...room, unread: remaining, mentions, read_seq };
    });
  }

  /** Name/topic/visibility changed by an admin. */
  rename(roomId: string, patch: Partial<Pick<RoomSummary, "name" | "topic" | "visibility">>): void {
    this.update(roomId, (room) => ({ ...room, ...patch }));
  }

  /** The user chose a notification level for the room (this tab; others pick it up on refresh). */
  setNotifications(roomId: string, level: NonNullable<RoomSummary["notifications"]>): void {
    this.update(roomId, (room) => (room.notifications === level ? room : { ...room, notifications: level }));
  }

  /** The user left or was removed: the room leaves the list at once. */
  remove(roomId: string): void {
    this.update(roomId, () => null);
  }

  /** Records a room the user just created or joined, before the next refresh confirms it. */
  upsert(room: RoomSummary): void {
    this.write([room, ...this.rooms().filter((r) => r.id !== room.id)]);
  }
}
