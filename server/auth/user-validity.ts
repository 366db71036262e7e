/**
 * Whether a token's user may still act: the account exists and is neither disabled nor
 * deleted. JWTs cannot be revoked, so every verification asks this; the answer is cached per
 * process for USER_CACHE_TTL_MS, so a busy user costs one query per TTL, not one per request.
 * A site admin's change reaches every instance at once through the bus (`user_revoked` on the
 * site topic, see `watchRevocations`); the TTL bounds only changes made behind the app's back
 * (a row deleted in SQL) and revocations lost while the bus was down (a resync forgets all).
 * The cache lives on globalThis: route handlers and the gateway are bundled apart.
 */
import { getUserStatus } from "@/db/queries/users";
import { SITE_TOPIC, type Bus } from "@/server/bus";
import { getRuntime } from "@/server/runtime";

type Entry = { active: boolean; until: number };
type State = {
  entries: Map<string, Entry>;
  pending: Map<string, Promise<boolean>>;
  /** Bumped by every forget, so a lookup that raced a revocation is not cached. */
  generation: Map<string, number>;
};
type Holder = { [KEY]?: State };

const KEY = Symbol.for("confab.userValidity");
/** Bounds memory under a flood of distinct (validly signed) tokens; the oldest entry goes first. */
const MAX_ENTRIES = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function state(): State {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= { entries: new Map(), pending: new Map(), generation: new Map() });
}

export async function isActiveUser(userId: string): Promise<boolean> {
  if (!UUID.test(userId)) return false;
  const { entries, pending, generation } = state();
  const hit = entries.get(userId);
  if (hit && hit.until > Date.now()) return hit.active;
  // Concurrent first requests of one user share one query.
  let lookup = pending.get(userId);
  if (!lookup) {
    const { db, config } = getRuntime();
    const started = generation.get(userId) ?? 0;
    lookup = getUserStatus(db, { id: userId })
      .then((row) => {
        const active = row !== null && row.disabledAt === null && row.deletedAt === null;
        // A revocation arrived while we read: our answer may predate it, so do not keep it.
        if ((generation.get(userId) ?? 0) !== started) return active;
        entries.delete(userId);
        entries.set(userId, { active, until: Date.now() + config.USER_CACHE_TTL_MS });
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        return active;
      })
      .finally(() => {
        if (pending.get(userId) === lookup) pending.delete(userId);
      });
    pending.set(userId, lookup);
  }
  return lookup;
}

/** Drops what this process knows about a user, after they were disabled, enabled or deleted. */
export function forgetUser(userId: string): void {
  const { entries, pending, generation } = state();
  entries.delete(userId);
  pending.delete(userId);
  generation.set(userId, (generation.get(userId) ?? 0) + 1);
  if (generation.size > MAX_ENTRIES) generation.delete(generation.keys().next().value!);
}

function forgetEveryone(): void {
  const { entries, pending } = state();
  entries.clear();
  pending.clear();
}

/**
 * Subscribes this process to the site topic and applies revocations from any instance. Call
 * once at start-up, before serving requests.
 */
export async function watchRevocations(bus: Bus): Promise<void> {
  bus.onEvent((topic, event) => {
    if (topic === SITE_TOPIC && event.type === "user_revoked") forgetUser(event.user);
  });
  // Revocations published while the subscriber was away are lost: trust nothing cached.
  bus.onResync(forgetEveryone);
  await bus.subscribe(SITE_TOPIC);
}

/** Tells every instance (this one included) to re-check a user now. */
export async function publishRevocation(bus: Bus, userId: string, close: boolean): Promise<void> {
  forgetUser(userId);
  await bus.publish(SITE_TOPIC, { type: "user_revoked", user: userId, close });
}
