/**
 * Room exports: room admins start them, anyone who can currently read the room sees their
 * status and downloads them until they expire. Everyone else is told the export does not
 * exist (404), even holding its URL: an export id is not a capability.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { findActiveExport, getExport, insertExport, listExports, type ExportRow } from "@/db/queries/exports";
import type { RoomExport } from "@/protocol/rest";
import type { Config } from "@/server/config";
import { AppError, isAppError } from "@/server/errors";
import type { JobQueue } from "@/server/jobs/types";
import { assertMay, canRead, mayAttempt } from "./permissions";
import { loadRoom } from "./rooms";

type Deps = { db: Database; jobs: JobQueue; config: Pick<Config, "EXPORT_TTL_MS" | "JOB_TIMEOUT_MS"> };
type Actor = { id: string; username: string };

export const ROOM_EXPORT_JOB = "room-export";

const notFound = () => new AppError("NOT_FOUND", "export not found");

export function toRoomExport(row: ExportRow, now = Date.now()): RoomExport {
  const downloadable = row.status === "done" && row.path !== null && row.expiresAt.getTime() > now;
  const download = `/api/rooms/${row.roomId}/exports/${row.id}/download`;
  return {
    id: row.id,
    room: row.roomId,
    status: row.status === "done" && !downloadable ? "expired" : row.status,
    progress: row.progress,
    ...(downloadable ? { url: `${download}?format=jsonl`, html_url: `${download}?format=html` } : {}),
    error: row.error,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
    expires_at: row.expiresAt.toISOString(),
  };
}

/** Queues an export of the room (admins only); a click while one is still running gets that one. */
export async function startExport({ db, jobs, config }: Deps, actor: Actor, roomId: string): Promise<RoomExport> {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "export"), "only room admins may export the room");
  const active = await findActiveExport(db, { roomId });
  // One whose job was lost (an embedded restart drops queued jobs) must not block new ones.
  if (active && active.createdAt.getTime() > Date.now() - config.JOB_TIMEOUT_MS) return toRoomExport(active);
  const row = await insertExport(db, { id: randomUUID(), roomId, requestedBy: actor.id, expiresAt: new Date(Date.now() + config.EXPORT_TTL_MS) });
  await jobs.send(ROOM_EXPORT_JOB, { exportId: row.id });
  return toRoomExport(row);
}

/** The export if the actor may currently read its room; NOT_FOUND otherwise. */
async function readableExport(db: Database, actor: Actor, roomId: string, exportId: string): Promise<ExportRow> {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id).catch((err: unknown) => {
    throw isAppError(err) && err.code === "NOT_FOUND" ? notFound() : err;
  });
  if (!canRead(room, membership, banned)) throw notFound();
  const row = await getExport(db, { id: exportId });
  if (!row || row.roomId !== roomId) throw notFound();
  return row;
}

export async function getExportStatus({ db }: Pick<Deps, "db">, actor: Actor, roomId: string, exportId: string): Promise<RoomExport> {
  return toRoomExport(await readableExport(db, actor, roomId, exportId));
}

/** Recent exports of the room, for its admins' panel. */
export async function listRoomExports({ db }: Pick<Deps, "db">, actor: Actor, roomId: string): Promise<RoomExport[]> {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "export"), "only room admins may list exports");
  return (await listExports(db, { roomId, limit: 10 })).map((row) => toRoomExport(row));
}

/** The file base of a finished, unexpired export the actor may read. */
export async function exportForDownload({ db }: Pick<Deps, "db">, actor: Actor, roomId: string, exportId: string): Promise<{ base: string; roomName: string; createdAt: Date }> {
  const row = await readableExport(db, actor, roomId, exportId);
  if (row.status !== "done" || row.path === null || row.expiresAt.getTime() <= Date.now()) throw notFound();
  const { room } = await loadRoom(db, roomId, actor.id);
  return { base: row.path, roomName: room.name, createdAt: row.createdAt };
}
