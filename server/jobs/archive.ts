import { z } from "zod";
import { putSiteSetting } from "@/db/queries/site-settings";
import { archiveAll } from "@/server/archive/archive";
import { ARCHIVE_RUN_SETTING } from "@/server/archive/switch";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

/**
 * The compliance archive run (server/archive/archive.ts); a singleton enqueued every
 * ARCHIVE_INTERVAL_MS. While the switch is on it archives everything new; while it is off it
 * only writes what is still owed from when it was on (then does nothing). Safe to retry at any
 * point: each batch commits its files and cursor together, and a batch redone overwrites its
 * own files.
 */
export function archiveJob(deps: Pick<Runtime, "db" | "log" | "config" | "archiveSwitch">): JobType<Record<string, never>> {
  return {
    name: "archive",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      const records = await archiveAll(deps, { owedOnly: !(await deps.archiveSwitch.enabled()) });
      if (records !== null) {
        await putSiteSetting(deps.db, { key: ARCHIVE_RUN_SETTING, value: { at: new Date().toISOString(), records }, actorId: null });
      }
    },
  };
}
