/**
 * Deleting uploads: bytes first, then rows. A failure part-way leaves the row, so the next
 * `uploads-sweep` run finds the upload again (its message is deleted or gone) and finishes.
 */
import type { Database } from "@/db/client";
import { deleteUploadRows, listSweepableUploads, listUploadsOfMessage, type UploadRow } from "@/db/queries/uploads";
import type { Logger } from "@/server/log";
import { thumbKey, uploadKey } from "./attachments";
import type { FileStore } from "./store";

export async function purgeUploads(db: Database, files: FileStore, rows: readonly UploadRow[]): Promise<void> {
  for (const row of rows) {
    await files.delete(uploadKey(row.id));
    if (row.hasThumb) await files.delete(thumbKey(row.id));
  }
  await deleteUploadRows(db, { ids: rows.map((r) => r.id) });
}

/** After a message was deleted: its attachments' bytes and thumbnails go with it. */
export async function purgeMessageUploads(db: Database, files: FileStore, log: Pick<Logger, "warn">, messageId: string): Promise<void> {
  try {
    await purgeUploads(db, files, await listUploadsOfMessage(db, { messageId }));
  } catch (err) {
    // The message is already deleted (and its files unreachable); the sweep retries the bytes.
    log.warn({ err, message: messageId }, "could not delete a deleted message's files yet");
  }
}

const SWEEP_PAGE = 500;

/** Unattached uploads older than `unattachedTtlMs`, and uploads of deleted or vanished messages. */
export async function sweepUploads(db: Database, files: FileStore, unattachedTtlMs: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await listSweepableUploads(db, { unattachedBefore: new Date(Date.now() - unattachedTtlMs), limit: SWEEP_PAGE });
    if (rows.length === 0) return deleted;
    await purgeUploads(db, files, rows);
    deleted += rows.length;
    if (rows.length < SWEEP_PAGE) return deleted;
  }
}
