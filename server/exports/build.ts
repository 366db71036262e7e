/**
 * Builds one room export: pages through the room's history (up to the seq it had when the
 * export started), writing a JSON lines file of wire messages and an HTML transcript, saving
 * progress after each page. Files are written under temporary names and renamed at the end,
 * so a retried run (its worker died) overwrites the same two files and a download never sees
 * half a file.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { Database } from "@/db/client";
import { getExport, listExpiredExports, markExpired, updateExport } from "@/db/queries/exports";
import { countRoomMessages, listMessages } from "@/db/queries/messages";
import { getReactions } from "@/db/queries/reactions";
import { getRoomById } from "@/db/queries/rooms";
import { retentionCutoff } from "@/server/chat/messages";
import { toWireMessage } from "@/server/chat/wire";
import type { Config } from "@/server/config";
import type { Logger } from "@/server/log";
import { transcriptHead, transcriptMessage, transcriptTail } from "./transcript";

type Deps = { db: Database; log: Logger; config: Pick<Config, "DATA_DIR" | "EXPORT_BATCH" | "EXPORT_TTL_MS"> };

export const exportsDir = (dataDir: string) => path.join(dataDir, "exports");
/** Both files share this base: `<base>.jsonl` and `<base>.html`. */
export const exportBase = (dataDir: string, id: string) => path.join(exportsDir(dataDir), id);

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, "finish");
}

/** Runs export `id`; a finished (or expired, or vanished) export is left as it is. */
export async function buildExport({ db, log, config }: Deps, id: string): Promise<void> {
  const row = await getExport(db, { id });
  if (!row || row.status === "done" || row.status === "expired") return;
  const room = await getRoomById(db, { id: row.roomId });
  if (!room) return;
  await updateExport(db, { id, status: "running", progress: 0, error: null });

  const upToSeq = room.lastSeq;
  const notBefore = retentionCutoff(room);
  const total = await countRoomMessages(db, { roomId: room.id, upToSeq, notBefore });
  const base = exportBase(config.DATA_DIR, id);
  await mkdir(exportsDir(config.DATA_DIR), { recursive: true });
  const jsonl = createWriteStream(`${base}.jsonl.tmp`);
  const html = createWriteStream(`${base}.html.tmp`);
  try {
    await write(html, transcriptHead(room, new Date()));
    let after = 0;
    let written = 0;
    for (;;) {
      const page = await listMessages(db, { roomId: room.id, viewerId: null, excludePrivate: true, after, limit: config.EXPORT_BATCH, notBefore });
      // Messages sent after the export started are left for the next export.
      const rows = page.filter((r) => r.seq <= upToSeq);
      if (rows.length === 0) break;
      const reactions = await getReactions(db, { messageIds: rows.filter((r) => !r.deletedAt).map((r) => r.id) });
      for (const r of rows) {
        const message = toWireMessage(r, reactions.get(r.id));
        await write(jsonl, JSON.stringify(message) + "\n");
        await write(html, transcriptMessage(message));
      }
      written += rows.length;
      after = rows[rows.length - 1]!.seq;
      // Messages deleted by retention meanwhile make `written` fall short of `total`; 1 is for done.
      await updateExport(db, { id, progress: Math.min(0.99, total ? written / total : 0.99) });
      if (rows.length < page.length || page.length < config.EXPORT_BATCH) break;
    }
    await write(html, transcriptTail(written));
    await Promise.all([close(jsonl), close(html)]);
    await rename(`${base}.jsonl.tmp`, `${base}.jsonl`);
    await rename(`${base}.html.tmp`, `${base}.html`);
    const finishedAt = new Date();
    await updateExport(db, { id, status: "done", progress: 1, path: base, finishedAt, expiresAt: new Date(finishedAt.getTime() + config.EXPORT_TTL_MS) });
    log.info({ export: id, room: room.id, messages: written }, "export: done");
  } catch (err) {
    jsonl.destroy();
    html.destroy();
    await Promise.all([rm(`${base}.jsonl.tmp`, { force: true }), rm(`${base}.html.tmp`, { force: true })]);
    throw err;
  }
}

/** Deletes the files of exports whose link expired, and marks them expired. */
export async function expireExports({ db, log, config }: Pick<Deps, "db" | "log"> & { config: Pick<Config, "DATA_DIR"> }, now = new Date()): Promise<number> {
  let expired = 0;
  for (;;) {
    const rows = await listExpiredExports(db, { now, limit: 100 });
    if (rows.length === 0) break;
    for (const { id } of rows) {
      const base = exportBase(config.DATA_DIR, id);
      await Promise.all([".jsonl", ".html", ".jsonl.tmp", ".html.tmp"].map((ext) => rm(base + ext, { force: true })));
    }
    // Files first: a crash in between leaves rows that the next run deletes (nothing) again.
    await markExpired(db, { ids: rows.map((r) => r.id) });
    expired += rows.length;
  }
  if (expired > 0) log.info({ expired }, "exports: deleted expired files");
  return expired;
}
