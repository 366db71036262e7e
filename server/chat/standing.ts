/**
 * A per-instance cache of where users stand in rooms (the room row and memberships: role,
 * mute), so socket frames do not pay `loadRoom`'s queries each time. It is valid only for
 * rooms this instance receives bus traffic for, because it is kept fresh by that traffic:
 * every change of standing already travels on the room's topic (`member`, `evict`,
 * `room_updated`, messages move `last_seq`), and a bus resync drops everything.
 *
 * What is not cached: the absence of a membership and bans (a non-member's frames are rare,
 * and an unban publishes nothing), so a miss always reads the database. The database still
 * decides at commit time where it matters (group commit re-checks membership and mute).
 */
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
import { SITE_TOPIC, type Bus, type BusEvent } from "@/server/bus";
import { findRuntime } from "@/server/runtime";

/**
 * How long a user's site-admin flag is trusted. A grant or revocation through the app drops it at
 * once on every instance (`user_revoked` on the site topic) and a bus resync forgets every flag,
 * so the TTL bounds only changes made behind the app's back. It used to be 5 s, which made most
 * sends of a user who posts less often than that pay a user-row read.
 */
export const SITE_ADMIN_TTL_MS = 60_000;
const MAX_ADMIN_ENTRIES = 10_000;
const SWEEP_MS = 60_000;

/**
 * What the cache needs from the room registry. `epoch(room)` is an object that stays the same
 * while the room stays subscribed and changes when it is unsubscribed and subscribed again
 * (events in between were never seen), or undefined when the room is not subscribed.
 */
export interface SubscriptionView {
  epoch(room: string): object | undefined;
}

interface RoomEntry {
  readonly epoch: object;
  /** Bumped by every invalidation, so a read that raced one is not stored. */
  generation: number;
  row: RoomRow | null;
  /** Highest seq seen on the bus, so a row read before a message is not stored stale. */
  seenSeq: number;
  readonly members: Map<string, MembershipRow>;
}

export class StandingCache {
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly admins = new Map<string, { siteAdmin: boolean; until: number }>();
  /** Bumped by every site-admin invalidation, so a flag read that raced one is not stored. */
  private adminGeneration = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    bus: Bus,
    private readonly subscriptions: SubscriptionView,
    private readonly now: () => number = Date.now,
  ) {
    bus.onEvent((topic, event) => {
      if (topic === SITE_TOPIC && event.type === "user_revoked") this.forgetSiteAdmin(event.user);
      else this.apply(event);
    });
    bus.onResync(() => {
      this.rooms.clear();
      this.forgetSiteAdmin();
    });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.rooms.clear();
    this.admins.clear();
  }

  /**
   * The room row, or undefined when it is not cached. `token` returned with a miss lets the
   * caller store what it reads with `putRoom` only if nothing changed meanwhile.
   */
  room(roomId: string): { row: RoomRow | undefined; token: number | undefined } {
    const entry = this.entry(roomId);
    if (!entry) return { row: undefined, token: undefined };
    return { row: entry.row ?? undefined, token: entry.generation };
  }

  membership(roomId: string, userId: string): MembershipRow | undefined {
    return this.entry(roomId)?.members.get(userId);
  }

  /** Stores what the caller read, unless an invalidation arrived since `token` was taken. */
  put(roomId: string, token: number | undefined, row: RoomRow, membership: MembershipRow | null): void {
    const entry = this.entry(roomId);
    if (!entry || token === undefined || entry.generation !== token) return;
    entry.row ??= { ...row, lastSeq: Math.max(row.lastSeq, entry.seenSeq) };
    if (membership) entry.members.set(membership.userId, membership);
  }

  /**
   * The room's row read fresh for a joiner, with the joiner's membership cached on the way. Call
   * it once the room is followed here (its events now keep the entry fresh): a send is often a
   * member's first frame after joining and would otherwise pay that read itself, because a new
   * member's own `member` event, or the first join of a room on this instance, left nothing
   * cached. Both reads go out together; the membership only when it is cacheable and missing.
   */
  async readForJoin(
    roomId: string,
    userId: string,
    read: { room: () => Promise<RoomRow | null>; membership: () => Promise<MembershipRow | null> },
  ): Promise<RoomRow | null> {
    const { token } = this.room(roomId);
    const wanted = token !== undefined && this.membership(roomId, userId) === undefined;
    const [row, membership] = await Promise.all([read.room(), wanted ? read.membership() : null]);
    if (row && membership) this.put(roomId, token, row, membership);
    return row;
  }

  siteAdmin(userId: string): boolean | undefined {
    const cached = this.admins.get(userId);
    if (!cached || cached.until < this.now()) return undefined;
    return cached.siteAdmin;
  }

  /** Taken before reading a flag; `putSiteAdmin` stores the read only if nothing changed since. */
  siteAdminToken(): number {
    return this.adminGeneration;
  }

  putSiteAdmin(userId: string, siteAdmin: boolean, token: number = this.adminGeneration): void {
    if (token !== this.adminGeneration) return;
    if (this.admins.size >= MAX_ADMIN_ENTRIES) this.admins.clear();
    this.admins.set(userId, { siteAdmin, until: this.now() + SITE_ADMIN_TTL_MS });
  }

  /** A grant or revocation (or, without a user, a bus resync): the flag is read again. */
  forgetSiteAdmin(userId?: string): void {
    this.adminGeneration++;
    if (userId === undefined) this.admins.clear();
    else this.admins.delete(userId);
  }

  /** The room's entry if it is subscribed; an entry from an earlier subscription is dropped. */
  private entry(roomId: string): RoomEntry | undefined {
    const epoch = this.subscriptions.epoch(roomId);
    let entry = this.rooms.get(roomId);
    if (entry && entry.epoch !== epoch) {
      this.rooms.delete(roomId);
      entry = undefined;
    }
    if (!epoch) return undefined;
    if (!entry) {
      entry = { epoch, generation: 0, row: null, seenSeq: 0, members: new Map() };
      this.rooms.set(roomId, entry);
    }
    return entry;
  }

  private apply(event: BusEvent): void {
    if (!("room" in event)) return;
    const entry = this.rooms.get(event.room);
    if (!entry) return;
    switch (event.type) {
      case "message":
        entry.seenSeq = Math.max(entry.seenSeq, event.message.seq);
        if (entry.row && entry.row.lastSeq < event.message.seq) entry.row = { ...entry.row, lastSeq: event.message.seq };
        return;
      case "evict":
        entry.generation++;
        entry.members.delete(event.user);
        return;
      case "frame":
        if (event.frame.type === "member") {
          entry.generation++;
          entry.members.delete(event.frame.user.id);
        } else if (event.frame.type === "room_updated") {
          entry.generation++;
          entry.row = null;
        }
        return;
      default:
        return;
    }
  }

  private sweep(): void {
    for (const [roomId, entry] of this.rooms) {
      if (this.subscriptions.epoch(roomId) !== entry.epoch) this.rooms.delete(roomId);
    }
  }
}

/** The gateway's cache, when this process serves sockets; `loadRoom` in either bundle finds it on the runtime. */
export function standingCache(): StandingCache | undefined {
  return findRuntime()?.standing;
}
