import { deleteExpiredMessages } from "@/db/queries/messages";
import type { Runtime } from "@/server/runtime";

/**
 * Deletes messages older than each room's `retention_days`. Every instance runs it; the
 * deletes are idempotent, so N instances only repeat cheap work. History and replay already
 * hide expired messages between runs.
 */
export function startRetentionJob({ db, log, config }: Pick<Runtime, "db" | "log" | "config">): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const deleted = await deleteExpiredMessages(db);
      if (deleted > 0) log.info({ deleted }, "retention: deleted expired messages");
    } catch (err) {
      log.warn({ err }, "retention job failed");
    } finally {
      running = false;
    }
  }, config.RETENTION_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
