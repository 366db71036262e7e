/**
 * Whether a token's user may still act: the account exists and is not disabled. JWTs cannot
 * be revoked, so every verification asks this; the answer is cached per process for
 * USER_CACHE_TTL_MS (a deleted or disabled user is refused everywhere within that time, and at
 * once by the process that disabled them), so a busy user costs one query per TTL, not one per
 * request. The cache lives on globalThis: route handlers and the gateway are bundled apart.
 */
import { getUserStatus } from "@/db/queries/users";
import { getRuntime } from "@/server/runtime";

type Entry = { active: boolean; until: number };
type Holder = { [KEY]?: { entries: Map<string, Entry>; pending: Map<string, Promise<boolean>> } };

const KEY = Symbol.for("confab.userValidity");
/** Bounds memory under a flood of distinct (validly signed) tokens; the oldest entry goes first. */
const MAX_ENTRIES = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function state() {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= { entries: new Map(), pending: new Map() });
}

export async function isActiveUser(userId: string): Promise<boolean> {
  if (!UUID.test(userId)) return false;
  const { entries, pending } = state();
  const hit = entries.get(userId);
  if (hit && hit.until > Date.now()) return hit.active;
  // Concurrent first requests of one user share one query.
  let lookup = pending.get(userId);
  if (!lookup) {
    const { db, config } = getRuntime();
    lookup = getUserStatus(db, { id: userId })
      .then((row) => {
        const active = row !== null && row.disabledAt === null;
        entries.delete(userId);
        entries.set(userId, { active, until: Date.now() + config.USER_CACHE_TTL_MS });
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        return active;
      })
      .finally(() => pending.delete(userId));
    pending.set(userId, lookup);
  }
  return lookup;
}

/** Drops what this process knows about a user, after it disabled, enabled or deleted them. */
export function forgetUser(userId: string): void {
  state().entries.delete(userId);
}
