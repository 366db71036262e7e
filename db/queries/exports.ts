import { and, desc, eq, inArray, lte, ne } from "drizzle-orm";
import type { Executor } from "../client";
import { roomExports } from "../schema";

export type ExportRow = typeof roomExports.$inferSelect;

export async function insertExport(db: Executor, row: { id: string; roomId: string; requestedBy: string; expiresAt: Date }): Promise<ExportRow> {
  const [inserted] = await db.insert(roomExports).values(row).returning();
  return inserted!;
}

export async function getExport(db: Executor, { id }: { id: string }): Promise<ExportRow | null> {
  const [row] = await db.select().from(roomExports).where(eq(roomExports.id, id)).limit(1);
  return row ?? null;
}

/** The room's exports, newest first. */
export async function listExports(db: Executor, { roomId, limit }: { roomId: string; limit: number }): Promise<ExportRow[]> {
  return db.select().from(roomExports).where(eq(roomExports.roomId, roomId)).orderBy(desc(roomExports.createdAt)).limit(limit);
}

/** An export of the room still queued or running, so a second click does not start another. */
export async function findActiveExport(db: Executor, { roomId }: { roomId: string }): Promise<ExportRow | null> {
  const [row] = await db
    .select()
    .from(roomExports)
    .where(and(eq(roomExports.roomId, roomId), inArray(roomExports.status, ["queued", "running"])))
    .orderBy(desc(roomExports.createdAt))
    .limit(1);
  return row ?? null;
}

export async function updateExport(db: Executor, { id, ...set }: { id: string } & Partial<Omit<ExportRow, "id" | "roomId" | "requestedBy" | "createdAt">>) {
  await db.update(roomExports).set(set).where(eq(roomExports.id, id));
}

/** Exports past their expiry that still have (or may have) files on disk. */
export async function listExpiredExports(db: Executor, { now, limit }: { now: Date; limit: number }): Promise<Array<Pick<ExportRow, "id">>> {
  return db
    .select({ id: roomExports.id })
    .from(roomExports)
    .where(and(lte(roomExports.expiresAt, now), ne(roomExports.status, "expired")))
    .limit(limit);
}

export async function markExpired(db: Executor, { ids }: { ids: string[] }) {
  if (ids.length === 0) return;
  await db.update(roomExports).set({ status: "expired", path: null }).where(inArray(roomExports.id, ids));
}
