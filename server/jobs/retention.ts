import { z } from "zod";
import { deleteExpiredMessages } from "@/db/queries/messages";
import { sweepUploads } from "@/server/files/purge";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

/**
 * Deletes messages older than each room's `retention_days`. A singleton enqueued every
 * RETENTION_INTERVAL_MS, so one consumer in the cluster does the work per interval; the
 * deletes are idempotent, so a retry after a lost run only repeats cheap work. History and
 * replay already hide expired messages between runs. While the archive is on, messages it
 * has not written yet stay until it has; after it was turned off, so do the messages sent
 * while it was on (archive_cursors.owed_seq). Attachments of deleted messages are deleted
 * with them (bytes and thumbnails).
 */
export function retentionJob({ db, log, archiveSwitch, files, config }: Pick<Runtime, "db" | "log" | "archiveSwitch" | "files" | "config">): JobType<Record<string, never>> {
  return {
    name: "retention",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      const deleted = await deleteExpiredMessages(db, { archiveEnabled: await archiveSwitch.enabled() });
      if (deleted > 0) {
        log.info({ deleted }, "retention: deleted expired messages");
        // Their attachments go now rather than at the next uploads-sweep.
        await sweepUploads(db, files, config.UPLOAD_UNATTACHED_TTL_MS);
      }
    },
  };
}
