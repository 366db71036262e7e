/**
 * The compliance archive section of site administration: its state and the on/off switch
 * (server/archive/switch.ts). Turning it off records what the archive still owes each room
 * (messages sent while it was on), so the job finishes those and retention keeps waiting for them.
 */
import path from "node:path";
import type { Database } from "@/db/client";
import { archiveFileStats, getSiteSetting, putSiteSetting, recordArchiveOwed } from "@/db/queries/site-settings";
import { archiveDir } from "@/server/archive/archive";
import { ARCHIVE_RUN_SETTING, ARCHIVE_SETTING, ArchiveRunValue, type ArchiveSwitch } from "@/server/archive/switch";
import type { Bus } from "@/server/bus";
import type { Config } from "@/server/config";
import type { JobQueue } from "@/server/jobs/types";
import type { Logger } from "@/server/log";
import { assertSiteAdmin, auditSite } from "./authorize";
import type { ArchiveStatus } from "@/protocol/rest";


type Deps = { db: Database; bus: Bus; jobs: JobQueue; log: Logger; archiveSwitch: ArchiveSwitch; config: Pick<Config, "DATA_DIR" | "ARCHIVE_ENABLED"> };
type Actor = { id: string };

/** The nil UUID: site_audit names a target by id, and the site itself has none. */
const SITE_ID = "00000000-0000-0000-0000-000000000000";


export async function getArchiveStatus(deps: Pick<Deps, "db" | "archiveSwitch"> & { config: Pick<Config, "DATA_DIR"> }, actor: Actor): Promise<ArchiveStatus> {
  await assertSiteAdmin(deps.db, actor);
  const [choice, run, stats] = await Promise.all([deps.archiveSwitch.read(), getSiteSetting(deps.db, { key: ARCHIVE_RUN_SETTING }), archiveFileStats(deps.db)]);
  const lastRun = run ? ArchiveRunValue.safeParse(run.value) : null;
  const directory = archiveDir(deps.config.DATA_DIR);
  return {
    enabled: choice.enabled,
    source: choice.source,
    updated_at: choice.updatedAt?.toISOString() ?? null,
    updated_by: choice.updatedBy,
    last_run: lastRun?.success ? lastRun.data : null,
    files: stats.files,
    last_file_at: stats.lastAt?.toISOString() ?? null,
    directory,
    manifest_path: path.join(directory, "manifest.jsonl"),
  };
}

/**
 * Turns the archive on or off for the whole site, audited. Every instance sees the change at
 * once through the bus (journalling of edits and deletes follows it); turning it on also
 * starts an archive run now rather than at the next interval.
 */
export async function setArchiveEnabled(deps: Deps, actor: Actor, { enabled }: { enabled: boolean }): Promise<ArchiveStatus> {
  await assertSiteAdmin(deps.db, actor);
  const changed = await deps.db.transaction(async (tx) => {
    const current = await getSiteSetting(tx, { key: ARCHIVE_SETTING });
    const was = current ? (current.value as { enabled?: unknown }).enabled === true : deps.config.ARCHIVE_ENABLED;
    // An explicit choice is stored even when it matches the default, so ARCHIVE_ENABLED no longer decides.
    await putSiteSetting(tx, { key: ARCHIVE_SETTING, value: { enabled }, actorId: actor.id });
    if (was === enabled) return false;
    if (!enabled) await recordArchiveOwed(tx);
    await auditSite(tx, actor, enabled ? "archive_enable" : "archive_disable", { type: "site", id: SITE_ID, name: "compliance archive" });
    return true;
  });
  await deps.archiveSwitch.announce(deps.bus);
  if (changed && enabled) {
    await deps.jobs.send("archive", {}).catch((err: unknown) => deps.log.warn({ err }, "archive: could not start a run now; the next interval will"));
  }
  return getArchiveStatus(deps, actor);
}
