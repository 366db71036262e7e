import { z } from "zod";
import { sweepUploads } from "@/server/files/purge";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

/**
 * Deletes the bytes and rows of uploads nobody can reach any more: never attached to a message
 * within UPLOAD_UNATTACHED_TTL_MS (24 h), or attached to a message that was deleted, removed by
 * retention or went with its room. A singleton enqueued every UPLOAD_SWEEP_INTERVAL_MS; deletes
 * are idempotent, so a retried run only repeats cheap work.
 */
export function uploadsSweepJob({ db, log, files, config }: Pick<Runtime, "db" | "log" | "files" | "config">): JobType<Record<string, never>> {
  return {
    name: "uploads-sweep",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      const deleted = await sweepUploads(db, files, config.UPLOAD_UNATTACHED_TTL_MS);
      if (deleted > 0) log.info({ deleted }, "uploads-sweep: deleted unreachable uploads");
    },
  };
}
