import type { Status } from "./status";

/**
 * Where each instance records which of its users are connected, with an expiry that the
 * instance keeps pushing forward while it lives. An instance that dies stops refreshing, its
 * entries expire, and whichever instance claims them publishes the users' offline status.
 */
export interface PresenceStore {
  set(userId: string, instanceId: string, status: Status, ttlMs: number): Promise<void>;
  /** Refreshes many users' entries of one instance at once (one round trip on Redis). */
  setMany(entries: ReadonlyArray<{ userId: string; status: Status }>, instanceId: string, ttlMs: number): Promise<void>;
  remove(userId: string, instanceId: string): Promise<void>;
  /** Live statuses per user across all instances (expired entries ignored). */
  get(userIds: string[]): Promise<Map<string, Status[]>>;
  /** Removes expired entries and returns the users they belonged to; each entry is claimed once. */
  claimExpired(now: number): Promise<string[]>;
  close(): Promise<void>;
}

type Entry = { status: Status; expiresAt: number };

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Map<string, Entry>>();

  async setMany(entries: ReadonlyArray<{ userId: string; status: Status }>, instanceId: string, ttlMs: number) {
    for (const { userId, status } of entries) await this.set(userId, instanceId, status, ttlMs);
  }

  async set(userId: string, instanceId: string, status: Status, ttlMs: number) {
    const entries = this.users.get(userId) ?? new Map<string, Entry>();
    entries.set(instanceId, { status, expiresAt: Date.now() + ttlMs });
    this.users.set(userId, entries);
  }

  async remove(userId: string, instanceId: string) {
    const entries = this.users.get(userId);
    entries?.delete(instanceId);
    if (entries?.size === 0) this.users.delete(userId);
  }

  async get(userIds: string[]) {
    const now = Date.now();
    return new Map(userIds.map((id) => [id, [...(this.users.get(id)?.values() ?? [])].filter((e) => e.expiresAt > now).map((e) => e.status)]));
  }

  async claimExpired(now: number) {
    const claimed: string[] = [];
    for (const [userId, entries] of this.users) {
      for (const [instanceId, entry] of entries) {
        if (entry.expiresAt > now) continue;
        entries.delete(instanceId);
        claimed.push(userId);
      }
      if (entries.size === 0) this.users.delete(userId);
    }
    return claimed;
  }

  async close() {}
}
