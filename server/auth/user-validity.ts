/**
 * Whether a token's user may still act: the account exists and is neither disabled nor
 * deleted. JWTs cannot be revoked, so every verification asks this; the answer is cached per
 * process for USER_CACHE_TTL_MS, so a busy user costs one query per TTL, not one per request.
 * A site admin's change reaches every instance at once through the bus (`user_revoked` on the
 * site topic, see `UserValidity.watch`); the TTL bounds only changes made behind the app's back
 * (a row deleted in SQL) and revocations lost while the bus was down (a resync forgets all).
 */
import type { Database } from "@/db/client";
import { getUserStatus } from "@/db/queries/users";
import { SITE_TOPIC, type Bus } from "@/server/bus";
import { getRuntime } from "@/server/runtime";

type Entry = { active: boolean; until: number };

/** Bounds memory under a flood of distinct (validly signed) tokens; the oldest entry goes first. */
const MAX_ENTRIES = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One per process, on the runtime (server/index.ts), so the gateway and route handlers share it. */
export class UserValidity {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<boolean>>();
  /** Bumped by every forget, so a lookup that raced a revocation is not cached. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
  ) {}

  async isActive(userId: string): Promise<boolean> {
    if (!UUID.test(userId)) return false;
    const hit = this.entries.get(userId);
    if (hit && hit.until > Date.now()) return hit.active;
    // Concurrent first requests of one user share one query.
    let lookup = this.pending.get(userId);
    if (!lookup) {
      const started = this.generation.get(userId) ?? 0;
      lookup = getUserStatus(this.db, { id: userId })
        .then((row) => {
          const active = row !== null && row.disabledAt === null && row.deletedAt === null;
          // A revocation arrived while we read: our answer may predate it, so do not keep it.
          if ((this.generation.get(userId) ?? 0) !== started) return active;
          this.entries.delete(userId);
          this.entries.set(userId, { active, until: Date.now() + this.ttlMs });
          if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
          return active;
        })
        .finally(() => {
          if (this.pending.get(userId) === lookup) this.pending.delete(userId);
        });
      this.pending.set(userId, lookup);
    }
    return lookup;
  }

  /** Drops what this process knows about a user, after they were disabled, enabled or deleted. */
  forget(userId: string): void {
    this.entries.delete(userId);
    this.pending.delete(userId);
    this.generation.set(userId, (this.generation.get(userId) ?? 0) + 1);
    if (this.generation.size > MAX_ENTRIES) this.generation.delete(this.generation.keys().next().value!);
  }

  private forgetEveryone(): void {
    this.entries.clear();
    this.pending.clear();
  }

  /**
   * Subscribes this process to the site topic and applies revocations from any instance. Call
   * once at start-up, before serving requests.
   */
  async watch(bus: Bus): Promise<void> {
    bus.onEvent((topic, event) => {
      if (topic === SITE_TOPIC && event.type === "user_revoked") this.forget(event.user);
    });
    // Revocations published while the subscriber was away are lost: trust nothing cached.
    bus.onResync(() => this.forgetEveryone());
    await bus.subscribe(SITE_TOPIC);
  }
}

/** Whether the user may still act, through this process's cache. */
export const isActiveUser = (userId: string): Promise<boolean> => getRuntime().users.isActive(userId);

/** Tells every instance (this one included) to re-check a user now. */
export async function publishRevocation(bus: Bus, userId: string, close: boolean): Promise<void> {
  getRuntime().users.forget(userId);
  // This instance's own copy of the event may come back from Redis after the caller answered.
  getRuntime().standing?.forgetSiteAdmin(userId);
  await bus.publish(SITE_TOPIC, { type: "user_revoked", user: userId, close });
}
