/** Site-wide settings (site_settings) and what the compliance archive switch needs from the tables. */
import { count, eq, max, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { archiveCursors, archiveFiles, messageChanges, rooms, siteSettings, users } from "../schema";

export async function getSiteSetting(db: Executor, { key }: { key: string }) {
  const [row] = await db
    .select({ value: siteSettings.value, updatedAt: siteSettings.updatedAt, updatedBy: siteSettings.updatedBy, updatedByName: users.username })
    .from(siteSettings)
    .leftJoin(users, eq(users.id, siteSettings.updatedBy))
    .where(eq(siteSettings.key, key))
    .limit(1);
  return row ?? null;
}

export async function putSiteSetting(db: Executor, { key, value, actorId }: { key: string; value: Record<string, unknown>; actorId: string | null }) {
  await db
    .insert(siteSettings)
    .values({ key, value, updatedBy: actorId })
    .onConflictDoUpdate({ target: siteSettings.key, set: { value, updatedBy: actorId, updatedAt: sql`now()` } });
}

/**
 * The archive was turned off: every room's messages so far were sent while it was on, so the
 * archive still owes each room everything up to its current last seq (see archiveCursors.owedSeq).
 */
export async function recordArchiveOwed(db: Executor): Promise<void> {
  await db.execute(sql`insert into ${archiveCursors} (room_id, owed_seq)
    select ${rooms.id}, ${rooms.lastSeq} from ${rooms}
    on conflict (room_id) do update set owed_seq = excluded.owed_seq`);
}

/** Files written so far and when the last one was. */
export async function archiveFileStats(db: Executor) {
  const [row] = await db.select({ files: count(), lastAt: max(archiveFiles.createdAt) }).from(archiveFiles);
  return { files: row?.files ?? 0, lastAt: row?.lastAt ?? null };
}

/** Whether the archive, while switched off, still owes anything (messages up to owedSeq, journalled changes). */
export async function archiveOwesWork(db: Executor): Promise<boolean> {
  const [owed] = await db
    .select({ one: sql<number>`1` })
    .from(archiveCursors)
    .where(sql`${archiveCursors.lastSeq} < coalesce(${archiveCursors.owedSeq}, 0)`)
    .limit(1);
  if (owed) return true;
  const [change] = await db.select({ one: sql<number>`1` }).from(messageChanges).limit(1);
  return !!change;
}
