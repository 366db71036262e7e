/**
 * Presence for this instance's sockets. A user is online while any of their tabs is
 * connected, on any instance; each instance records its users in the PresenceStore with an
 * expiry it keeps refreshing, and sweeps expired entries so the users of an instance that
 * died go offline within the TTL. Changes go to the rooms the user belongs to, i.e. to the
 * people who share a room with them, not to everyone.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { listRoomIdsOfUser } from "@/db/queries/rooms";
import { getLastSeen, setLastSeen } from "@/db/queries/users";
import type { ServerFrame } from "@/protocol";
import { publishFrame, userTopic, type Bus } from "@/server/bus";
import type { Logger } from "@/server/log";
import { mergeStatuses, type Status } from "./status";
import type { PresenceStore } from "./store";

export type PresenceSnapshot = { status: Status | "offline"; last_seen: string | null };

export class PresenceTracker {
  readonly instanceId = randomUUID();
  /** userId → connection id → that tab's status. */
  private readonly local = new Map<string, Map<string, Status>>();
  /** What this instance last wrote to the store per user: a tab change that leaves it as it was changes nothing. */
  private readonly written = new Map<string, Status>();
  /** Updates of one user run in order; different users' updates run side by side. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: { db: Database; bus: Bus; log: Logger },
    private readonly store: PresenceStore,
    private readonly ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  connect(userId: string, connId: string): Promise<void> {
    const tabs = this.local.get(userId) ?? new Map<string, Status>();
    tabs.set(connId, "online");
    this.local.set(userId, tabs);
    return this.update(userId);
  }

  disconnect(userId: string, connId: string): Promise<void> {
    const tabs = this.local.get(userId);
    if (!tabs?.delete(connId)) return Promise.resolve();
    if (tabs.size === 0) this.local.delete(userId);
    return this.update(userId);
  }

  /**
   * A status a tab reported. Idle is that tab's own state; online, away and dnd are the user's
   * choice and apply to every tab of theirs, on every instance (through the user's topic).
   */
  async report(userId: string, connId: string, status: Status): Promise<void> {
    if (status === "idle") return this.setStatus(userId, connId, "idle");
    await this.deps.bus.publish(userTopic(userId), { type: "status", user: userId, status });
  }

  setStatus(userId: string, connId: string, status: Status): Promise<void> {
    const tabs = this.local.get(userId);
    if (!tabs?.has(connId)) return Promise.resolve();
    tabs.set(connId, status);
    return this.update(userId);
  }

  /** Current presence of `users` (whose last_seen the caller already read), for the `joined` frame. */
  async snapshot(users: Array<{ id: string; lastSeenAt: Date | null }>): Promise<Record<string, PresenceSnapshot>> {
    const live = await this.store.get(users.map((u) => u.id));
    return Object.fromEntries(
      users.map((u) => [u.id, { status: mergeStatuses(live.get(u.id) ?? []) ?? "offline", last_seen: u.lastSeenAt?.toISOString() ?? null }]),
    );
  }

  /** Stops heartbeats and removes this instance's entries, announcing who went offline. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const users = [...this.local.keys()];
    this.local.clear();
    await Promise.allSettled(users.map((id) => this.update(id)));
    await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Serialized per user so one user's tab changes cannot announce out of order. `force`
   * announces even if this instance's view is unchanged: an expired entry (a dead instance's)
   * changed the user's overall status behind everyone's back.
   */
  private update(userId: string, force = false): Promise<void> {
    const run = (this.chains.get(userId) ?? Promise.resolve())
      .then(() => this.recompute(userId, force))
      .catch((err: unknown) => this.deps.log.warn({ err, userId }, "presence update failed"));
    this.chains.set(userId, run);
    void run.then(() => {
      if (this.chains.get(userId) === run) this.chains.delete(userId);
    });
    return run;
  }

  private async recompute(userId: string, force: boolean): Promise<void> {
    const mine = mergeStatuses(this.local.get(userId)?.values() ?? []);
    // A second tab of an online user, or its closing while another stays: nothing to say.
    if (!force && mine === (this.written.get(userId) ?? null)) return;
    if (mine) {
      await this.store.set(userId, this.instanceId, mine, this.ttlMs);
      this.written.set(userId, mine);
    } else {
      await this.store.remove(userId, this.instanceId);
      this.written.delete(userId);
    }
    await this.announce(userId, mine !== null);
  }

  /**
   * Tells the user's rooms their overall status. Announcements are not cached per instance
   * (another instance may have announced something else meanwhile; sockets drop repeats), but
   * an instance with no tab of the user left only announces "offline": any other status comes
   * from other instances' tabs, which announced it themselves, and repeating it late could
   * overwrite a newer "offline" from the instance that held the last tab.
   */
  private async announce(userId: string, hasLocalTab: boolean): Promise<void> {
    const overall = mergeStatuses((await this.store.get([userId])).get(userId) ?? []) ?? "offline";
    if (!hasLocalTab && overall !== "offline") return;
    let lastSeen: string | null = null;
    if (overall === "offline") {
      const now = new Date();
      await setLastSeen(this.deps.db, { id: userId, at: now });
      lastSeen = now.toISOString();
    }
    const frame: ServerFrame = { type: "presence", user: userId, status: overall, last_seen: lastSeen };
    const rooms = await listRoomIdsOfUser(this.deps.db, { userId });
    await Promise.all(rooms.map((room) => publishFrame(this.deps.bus, room, frame)));
  }

  /** Introduces a new member's presence to a room they just joined. */
  async announceIn(roomId: string, userId: string): Promise<void> {
    const lastSeenAt = (await getLastSeen(this.deps.db, { ids: [userId] })).get(userId) ?? null;
    const snapshot = (await this.snapshot([{ id: userId, lastSeenAt }]))[userId]!;
    await publishFrame(this.deps.bus, roomId, { type: "presence", user: userId, status: snapshot.status, last_seen: snapshot.last_seen });
  }

  /** Refreshes this instance's entries and claims the expired entries of dead instances. */
  private async tick(): Promise<void> {
    try {
      const entries = [];
      for (const [userId, tabs] of this.local) {
        const status = mergeStatuses(tabs.values());
        if (status) entries.push({ userId, status });
      }
      // One round trip per chunk instead of one per user: 10,000 users refresh in a few calls.
      for (let i = 0; i < entries.length; i += 1_000) await this.store.setMany(entries.slice(i, i + 1_000), this.instanceId, this.ttlMs);
      const expired = await this.store.claimExpired(Date.now());
      for (const userId of new Set(expired)) void this.update(userId, true);
    } catch (err) {
      this.deps.log.warn({ err }, "presence heartbeat failed");
    }
  }
}
