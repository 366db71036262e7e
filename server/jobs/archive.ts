import { z } from "zod";
import { archiveAll } from "@/server/archive/archive";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

/**
 * The compliance archive run (server/archive/archive.ts); a singleton enqueued every
 * ARCHIVE_INTERVAL_MS when ARCHIVE_ENABLED. Safe to retry at any point: each batch commits
 * its files and cursor together, and a batch redone overwrites its own files.
 */
export function archiveJob(deps: Pick<Runtime, "db" | "log" | "config">): JobType<Record<string, never>> {
  return {
    name: "archive",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      await archiveAll(deps);
    },
  };
}
