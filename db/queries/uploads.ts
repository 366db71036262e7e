import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Attachment } from "@/protocol";
import { toWireAttachment } from "@/server/files/attachments";
import type { Executor, Transaction } from "../client";
import { messages, uploads } from "../schema";

export type UploadRow = typeof uploads.$inferSelect;

export async function insertUpload(db: Executor, row: typeof uploads.$inferInsert): Promise<UploadRow> {
  const [inserted] = await db.insert(uploads).values(row).returning();
  return inserted!;
}

export async function getUpload(db: Executor, { id }: { id: string }): Promise<UploadRow | null> {
  const [row] = await db.select().from(uploads).where(eq(uploads.id, id)).limit(1);
  return row ?? null;
}

export async function getUploads(db: Executor, { ids }: { ids: readonly string[] }): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(uploads).where(inArray(uploads.id, [...ids]));
}

/** Bytes the user keeps stored, for the quota. */
export async function storedBytes(db: Executor, { uploaderId }: { uploaderId: string }): Promise<number> {
  const [row] = await db.select({ n: sql<string>`coalesce(sum(${uploads.size}), 0)` }).from(uploads).where(eq(uploads.uploaderId, uploaderId));
  return Number(row?.n ?? 0);
}

export async function listUploadsOfMessage(db: Executor, { messageId }: { messageId: string }): Promise<UploadRow[]> {
  return db.select().from(uploads).where(eq(uploads.messageId, messageId));
}

export async function deleteUploadRows(db: Executor, { ids }: { ids: readonly string[] }): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(uploads).where(inArray(uploads.id, [...ids]));
}

/**
 * Uploads whose bytes should go: never attached and older than `unattachedBefore`, or attached
 * to a message that was deleted (tombstoned) or is gone (retention, a deleted room).
 */
export async function listSweepableUploads(db: Executor, { unattachedBefore, limit }: { unattachedBefore: Date; limit: number }): Promise<UploadRow[]> {
  return db
    .select()
    .from(uploads)
    .where(
      or(
        and(isNull(uploads.messageId), lt(uploads.createdAt, unattachedBefore)),
        sql`${uploads.messageId} is not null and not exists (select 1 from ${messages} where ${messages.id} = ${uploads.messageId} and ${messages.deletedAt} is null)`,
      ),
    )
    .limit(limit);
}

/**
 * Attaches uploads to messages inside the append transaction: each upload only if it is still
 * unattached, was uploaded by the sender, and to the message's room. Returns what each message
 * got (in wire form); a message that got fewer than it asked for must be refused and its
 * claims released.
 */
export async function claimUploads(
  tx: Transaction,
  claims: ReadonlyArray<{ upload: string; message: string; sender: string; room: string }>,
): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  if (claims.length === 0) return byMessage;
  // One statement for the whole round. An upload named by two sends goes to the first (CASE
  // takes the first match); the other finds it missing.
  const whens = claims.map((c) => sql`when ${c.upload}::uuid then ${c.message}::uuid`);
  const tuples = claims.map((c) => sql`(${c.upload}::uuid, ${c.sender}::uuid, ${c.room}::uuid)`);
  const rows = await tx
    .update(uploads)
    .set({ messageId: sql`case ${uploads.id} ${sql.join(whens, sql` `)} end` })
    .where(and(isNull(uploads.messageId), sql`(${uploads.id}, ${uploads.uploaderId}, ${uploads.roomId}) in (${sql.join(tuples, sql`, `)})`))
    .returning();
  for (const row of rows) {
    const list = byMessage.get(row.messageId!) ?? [];
    list.push(toWireAttachment(row));
    byMessage.set(row.messageId!, list);
  }
  return byMessage;
}

/** Gives back the uploads claimed for messages that were refused in the same transaction. */
export async function releaseUploads(tx: Transaction, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await tx.update(uploads).set({ messageId: null }).where(inArray(uploads.messageId, [...messageIds]));
}
