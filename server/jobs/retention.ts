import { z } from "zod";
import { deleteExpiredMessages } from "@/db/queries/messages";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

/**
 * Deletes messages older than each room's `retention_days`. A singleton enqueued every
 * RETENTION_INTERVAL_MS, so one consumer in the cluster does the work per interval; the
 * deletes are idempotent, so a retry after a lost run only repeats cheap work. History and
 * replay already hide expired messages between runs. With ARCHIVE_ENABLED, messages the archive
 * has not written yet stay until it has.
 */
export function retentionJob({ db, log, config }: Pick<Runtime, "db" | "log" | "config">): JobType<Record<string, never>> {
  return {
    name: "retention",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      const deleted = await deleteExpiredMessages(db, { archiveEnabled: config.ARCHIVE_ENABLED });
      if (deleted > 0) log.info({ deleted }, "retention: deleted expired messages");
    },
  };
}
