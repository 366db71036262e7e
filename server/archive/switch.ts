/**
 * The compliance archive switch. Site admins turn the archive on and off at run time; the
 * choice is the `archive` row of site_settings, and ARCHIVE_ENABLED is only the default while no
 * admin has chosen. Every instance reads it through a short cache (journalling of edits and
 * deletes asks on every edit), dropped at once by a `site_setting` event on the bus's site topic,
 * so a change reaches all instances within a bus hop, or ARCHIVE_SWITCH_CACHE_MS if the event was lost.
 */
import { z } from "zod";
import type { Database } from "@/db/client";
import { getSiteSetting } from "@/db/queries/site-settings";
import { SITE_TOPIC, type Bus } from "@/server/bus";

export const ARCHIVE_SETTING = "archive";
/** When the archive job last finished a run (written by the job, read by the admin page). */
export const ARCHIVE_RUN_SETTING = "archive_run";

const ArchiveValue = z.object({ enabled: z.boolean() });
export const ArchiveRunValue = z.object({ at: z.string(), records: z.number().int() });

export type ArchiveChoice = {
  enabled: boolean;
  /** "setting": a site admin chose; "environment": ARCHIVE_ENABLED, nobody has chosen yet. */
  source: "setting" | "environment";
  updatedAt: Date | null;
  updatedBy: { id: string; username: string } | null;
};

export class ArchiveSwitch {
  private cached: { enabled: boolean; until: number } | null = null;
  /** Bumped by every forget, so a read that raced a change is not cached. */
  private generation = 0;

  constructor(
    private readonly db: Database,
    private readonly defaultEnabled: boolean,
    private readonly cacheMs: number,
  ) {}

  /** Whether the archive is on now (cached for at most cacheMs). */
  async enabled(): Promise<boolean> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.enabled;
    const generation = this.generation;
    const { enabled } = await this.read();
    if (generation === this.generation) this.cached = { enabled, until: Date.now() + this.cacheMs };
    return enabled;
  }

  /** The current choice, uncached, with who made it. */
  async read(): Promise<ArchiveChoice> {
    const row = await getSiteSetting(this.db, { key: ARCHIVE_SETTING });
    const parsed = row ? ArchiveValue.safeParse(row.value) : null;
    if (!row || !parsed?.success) return { enabled: this.defaultEnabled, source: "environment", updatedAt: null, updatedBy: null };
    return {
      enabled: parsed.data.enabled,
      source: "setting",
      updatedAt: row.updatedAt,
      updatedBy: row.updatedBy ? { id: row.updatedBy, username: row.updatedByName ?? "" } : null,
    };
  }

  forget(): void {
    this.generation++;
    this.cached = null;
  }

  /** Drops the cache when any instance announces a change (and after bus outages, which lose events). */
  async watch(bus: Bus): Promise<void> {
    bus.onEvent((topic, event) => {
      if (topic === SITE_TOPIC && event.type === "site_setting" && event.key === ARCHIVE_SETTING) this.forget();
    });
    bus.onResync(() => this.forget());
    await bus.subscribe(SITE_TOPIC);
  }

  /** Tells every instance (this one included) to re-read the switch now. */
  async announce(bus: Bus): Promise<void> {
    this.forget();
    await bus.publish(SITE_TOPIC, { type: "site_setting", key: ARCHIVE_SETTING });
  }
}
