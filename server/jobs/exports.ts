import { z } from "zod";
import { updateExport } from "@/db/queries/exports";
import { ROOM_EXPORT_JOB } from "@/server/chat/exports";
import { buildExport, expireExports } from "@/server/exports/build";
import type { Runtime } from "@/server/runtime";
import type { JobType } from "./types";

type Deps = Pick<Runtime, "db" | "log" | "config">;

/**
 * Builds one export (server/exports/build.ts). Idempotent by export id: a retry rewrites the
 * same two files, and a finished export is not rebuilt. The last failed attempt marks the
 * export failed with the error, which the panel shows.
 */
export function roomExportJob(deps: Deps): JobType<{ exportId: string }> {
  return {
    name: ROOM_EXPORT_JOB,
    data: z.object({ exportId: z.string().uuid() }).strict(),
    async run({ exportId }, { attempt }) {
      try {
        await buildExport(deps, exportId);
      } catch (err) {
        const last = attempt >= deps.config.JOB_MAX_ATTEMPTS;
        const message = err instanceof Error ? err.message : String(err);
        await updateExport(deps.db, { id: exportId, error: last ? `export failed: ${message}` : `attempt ${attempt} failed, retrying: ${message}`, ...(last ? { status: "failed" as const, finishedAt: new Date() } : {}) }).catch(() => {});
        throw err;
      }
    },
  };
}

/** Deletes expired export files; a singleton enqueued every EXPORT_CLEANUP_INTERVAL_MS. */
export function exportsExpireJob(deps: Deps): JobType<Record<string, never>> {
  return {
    name: "exports-expire",
    data: z.object({}).strict(),
    singleton: true,
    async run() {
      await expireExports(deps);
    },
  };
}
