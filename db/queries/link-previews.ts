import { and, eq, isNull, lt } from "drizzle-orm";
import type { Executor } from "../client";
import { linkPreviews, messages, type StoredLinkPreview } from "../schema";

export type CachedPreview = typeof linkPreviews.$inferSelect;

export async function getCachedPreview(db: Executor, { url }: { url: string }): Promise<CachedPreview | null> {
  const [row] = await db.select().from(linkPreviews).where(eq(linkPreviews.url, url)).limit(1);
  return row ?? null;
}

/** Stores the outcome of a fetch of `url` (a preview, or the error), replacing an older one. */
export async function putCachedPreview(
  db: Executor,
  entry: { url: string; title: string | null; description: string | null; siteName: string | null; error: string | null },
): Promise<void> {
  const values = { ...entry, fetchedAt: new Date() };
  await db.insert(linkPreviews).values(values).onConflictDoUpdate({ target: linkPreviews.url, set: values });
}

/**
 * Attaches a preview to a message, only while it still says what the job read (`content`):
 * an edit, a delete or the sender's removal that committed meanwhile wins. True if attached.
 */
export async function attachPreview(db: Executor, { id, content, preview }: { id: string; content: string; preview: StoredLinkPreview }): Promise<boolean> {
  const rows = await db
    .update(messages)
    .set({ preview })
    .where(and(eq(messages.id, id), eq(messages.content, content), isNull(messages.deletedAt), eq(messages.previewRemoved, false)))
    .returning({ id: messages.id });
  return rows.length > 0;
}

/** Drops a message's preview (its link changed); `removed` keeps any from coming back (the sender's choice). */
export async function clearPreview(db: Executor, { id, removed }: { id: string; removed: boolean }): Promise<void> {
  await db
    .update(messages)
    .set({ preview: null, ...(removed ? { previewRemoved: true } : {}) })
    .where(eq(messages.id, id));
}

/** Whether the sender removed the message's preview. */
export async function isPreviewRemoved(db: Executor, { id }: { id: string }): Promise<boolean> {
  const [row] = await db.select({ removed: messages.previewRemoved }).from(messages).where(eq(messages.id, id)).limit(1);
  return row?.removed ?? false;
}

/** Deletes cache entries fetched before `before`; returns how many went. */
export async function deleteStalePreviews(db: Executor, { before }: { before: Date }): Promise<number> {
  const rows = await db.delete(linkPreviews).where(lt(linkPreviews.fetchedAt, before)).returning({ url: linkPreviews.url });
  return rows.length;
}
