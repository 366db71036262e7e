import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client";
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
