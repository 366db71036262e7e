/**
 * The compliance archive (ARCHIVE_ENABLED): every message, edit and delete, as gzipped JSON
 * lines per room per UTC day under `DATA_DIR/archive/<room>/<yyyy-mm-dd>/<part>.jsonl.gz`,
 * with `DATA_DIR/archive/manifest.jsonl` listing every file, its sha256 and record count.
 *
 * Exactly once: a room is archived in batches, each one transaction that locks the room's
 * cursor row (so two workers never archive the same room at once, and a killed worker's lock
 * dies with its connection), reads messages after the cursor (seqs commit in order per room,
 * so the cursor never skips one) and waiting edits/deletes, writes one part per day touched
 * (tmp + rename), then records the parts in `archive_files`, advances the cursor and consumes
 * the edits/deletes before committing. Part numbers follow the recorded parts, so a batch
 * that died before its commit is redone under the same file names, overwriting what it wrote;
 * a leftover part from such a batch that the redo does not touch is deleted before the redo.
 * The manifest file is rewritten from the table after each run.
 *
 * While a site admin has the archive switched off (server/archive/switch.ts), runs are
 * `owedOnly`: they write messages up to each room's owed seq (sent while it was on) and the
 * edits/deletes still journalled, and nothing newer.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { listMessages } from "@/db/queries/messages";
import { archiveOwesWork } from "@/db/queries/site-settings";
import { archiveCursors, archiveFiles, messageChanges, rooms } from "@/db/schema";
import { toWireMessage } from "@/server/chat/wire";
import type { Config } from "@/server/config";
import type { Logger } from "@/server/log";

type Deps = { db: Database; log: Logger; config: Pick<Config, "DATA_DIR" | "ARCHIVE_BATCH" | "ARCHIVE_BATCH_PAUSE_MS"> };

/** One archived event. `message` records carry the message as stored when archived. */
export type ArchiveRecord =
  | { type: "message"; room: string; seq: number; at: string; message: ReturnType<typeof toWireMessage> }
  | { type: "edit" | "delete"; room: string; seq: number; at: string; message_id: string; actor: string | null; content: string; previous_content: string | null };

export interface ManifestEntry {
  path: string;
  room: string;
  day: string;
  part: number;
  records: number;
  bytes: number;
  sha256: string;
  created_at: string;
}

export const archiveDir = (dataDir: string) => path.join(dataDir, "archive");
const partName = (part: number) => `${String(part).padStart(6, "0")}.jsonl.gz`;
const dayOf = (iso: string) => iso.slice(0, 10);

/** Writes `data` so that readers see the old file or the whole new one, never a torn one. */
async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** Rooms with messages past their cursor (up to the owed seq when `owedOnly`) or edits/deletes waiting. */
async function pendingRooms(db: Database, owedOnly: boolean): Promise<string[]> {
  const behind = await db
    .select({ id: rooms.id })
    .from(rooms)
    .leftJoin(archiveCursors, eq(archiveCursors.roomId, rooms.id))
    .where(
      owedOnly
        ? sql`least(${rooms.lastSeq}, coalesce(${archiveCursors.owedSeq}, 0)) > coalesce(${archiveCursors.lastSeq}, 0)`
        : sql`${rooms.lastSeq} > coalesce(${archiveCursors.lastSeq}, 0)`,
    );
  const changed = await db.selectDistinct({ id: messageChanges.roomId }).from(messageChanges);
  return [...new Set([...behind, ...changed].map((r) => r.id))];
}

/** Deletes part files of the room beyond the recorded ones: leftovers of batches that never committed. */
async function removeUnrecordedParts(tx: Transaction, root: string, roomId: string): Promise<void> {
  const roomDir = path.join(root, roomId);
  const days = await readdir(roomDir).catch(() => [] as string[]);
  if (days.length === 0) return;
  const recorded = new Set((await tx.select({ path: archiveFiles.path }).from(archiveFiles).where(eq(archiveFiles.roomId, roomId))).map((r) => r.path));
  for (const day of days) {
    for (const name of await readdir(path.join(roomDir, day)).catch(() => [] as string[])) {
      const rel = `${roomId}/${day}/${name}`;
      if (!recorded.has(rel)) await rm(path.join(roomDir, day, name), { force: true });
    }
  }
}

/** Archives one batch of a room; returns the number of records written (0: caught up). */
async function archiveBatch({ db, config }: Deps, roomId: string, first: boolean, owedOnly: boolean): Promise<number> {
  const root = archiveDir(config.DATA_DIR);
  await db.insert(archiveCursors).values({ roomId }).onConflictDoNothing();
  return db.transaction(async (tx) => {
    const [cursor] = await tx
      .select({ lastSeq: archiveCursors.lastSeq, owedSeq: archiveCursors.owedSeq })
      .from(archiveCursors)
      .where(eq(archiveCursors.roomId, roomId))
      .for("update");
    if (!cursor) return 0;
    if (first) await removeUnrecordedParts(tx, root, roomId);
    const page = await listMessages(tx, { roomId, viewerId: null, after: cursor.lastSeq, limit: config.ARCHIVE_BATCH });
    const owed = cursor.owedSeq ?? 0;
    const messages = owedOnly ? page.filter((m) => m.seq <= owed) : page;
    const changes = await tx.select().from(messageChanges).where(eq(messageChanges.roomId, roomId)).orderBy(asc(messageChanges.id)).limit(config.ARCHIVE_BATCH);
    if (messages.length === 0 && changes.length === 0) return 0;

    const records: ArchiveRecord[] = [
      ...messages.map((m): ArchiveRecord => {
        const message = toWireMessage(m);
        return { type: "message", room: roomId, seq: m.seq, at: message.created_at, message };
      }),
      ...changes.map(
        (c): ArchiveRecord => ({
          type: c.kind,
          room: roomId,
          seq: c.seq,
          at: c.at.toISOString(),
          message_id: c.messageId,
          actor: c.actorId,
          content: c.content,
          previous_content: c.previousContent,
        }),
      ),
    ];
    const byDay = new Map<string, ArchiveRecord[]>();
    for (const r of records) byDay.set(dayOf(r.at), [...(byDay.get(dayOf(r.at)) ?? []), r]);
    const days = [...byDay.keys()].sort();
    const last = new Map(
      (
        await tx
          .select({ day: archiveFiles.day, part: sql<number>`max(${archiveFiles.part})::int` })
          .from(archiveFiles)
          .where(and(eq(archiveFiles.roomId, roomId), inArray(archiveFiles.day, days)))
          .groupBy(archiveFiles.day)
      ).map((r) => [r.day, r.part]),
    );

    const files: Array<typeof archiveFiles.$inferInsert> = [];
    for (const day of days) {
      const dayRecords = byDay.get(day)!.sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
      const part = (last.get(day) ?? 0) + 1;
      const rel = `${roomId}/${day}/${partName(part)}`;
      const gz = gzipSync(dayRecords.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await mkdir(path.join(root, roomId, day), { recursive: true });
      await writeAtomic(path.join(root, rel), gz);
      files.push({ roomId, day, part, path: rel, sha256: createHash("sha256").update(gz).digest("hex"), records: dayRecords.length, bytes: gz.length });
    }
    await tx.insert(archiveFiles).values(files);
    if (messages.length > 0) {
      await tx.update(archiveCursors).set({ lastSeq: messages[messages.length - 1]!.seq, updatedAt: sql`now()` }).where(eq(archiveCursors.roomId, roomId));
    }
    if (changes.length > 0) {
      await tx.delete(messageChanges).where(inArray(messageChanges.id, changes.map((c) => c.id)));
    }
    return records.length;
  });
}

/** Rewrites manifest.jsonl from the table, so it always lists exactly the committed files. */
export async function writeManifest(db: Database, dataDir: string): Promise<number> {
  const rows = await db.select().from(archiveFiles).orderBy(asc(archiveFiles.createdAt), asc(archiveFiles.path));
  const entries = rows.map(
    (r): ManifestEntry => ({ path: r.path, room: r.roomId, day: r.day, part: r.part, records: r.records, bytes: r.bytes, sha256: r.sha256, created_at: r.createdAt.toISOString() }),
  );
  await mkdir(archiveDir(dataDir), { recursive: true });
  await writeAtomic(path.join(archiveDir(dataDir), "manifest.jsonl"), entries.map((e) => JSON.stringify(e) + "\n").join(""));
  return entries.length;
}

/**
 * One archive run over every room with something new; returns the records written, or null
 * when an `owedOnly` run found nothing owed (the archive is off and caught up: no files touched).
 */
export async function archiveAll(deps: Deps, { owedOnly = false }: { owedOnly?: boolean } = {}): Promise<number | null> {
  if (owedOnly && !(await archiveOwesWork(deps.db))) return null;
  let total = 0;
  for (const roomId of await pendingRooms(deps.db, owedOnly)) {
    for (let first = true; ; first = false) {
      const written = await archiveBatch(deps, roomId, first, owedOnly);
      if (written === 0) break;
      total += written;
      deps.log.debug({ room: roomId, records: written }, "archive: batch written");
      if (deps.config.ARCHIVE_BATCH_PAUSE_MS > 0) await new Promise((resolve) => setTimeout(resolve, deps.config.ARCHIVE_BATCH_PAUSE_MS));
    }
  }
  await writeManifest(deps.db, deps.config.DATA_DIR);
  if (total > 0) deps.log.info({ records: total }, "archive: records written");
  return total;
}

