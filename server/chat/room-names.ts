/**
 * Room names are unique per visibility scope, ignoring case (docs/rooms.md): a public name
 * once among public rooms, a private name once among its creator's private rooms. Private
 * rooms are not checked site-wide on purpose: "taken" would tell anyone that somebody's
 * private room has that name. The unique indexes settle races; this turns both the look-up
 * and a lost race into one clear error naming the field.
 */
import type { Executor } from "@/db/client";
import { ROOM_NAME_INDEXES, roomNameTaken } from "@/db/queries/room-names";
import { AppError } from "@/server/errors";

export function nameConflict(visibility: "public" | "private"): AppError {
  const scope = visibility === "public" ? "a public room" : "one of your private rooms";
  return new AppError("CONFLICT", `name: ${scope} already has this name`, { field: "name" });
}

export async function assertRoomNameFree(db: Executor, room: { name: string; visibility: "public" | "private" | "direct"; createdBy: string | null; exceptId?: string }): Promise<void> {
  if (room.visibility === "direct") return;
  if (await roomNameTaken(db, { ...room, visibility: room.visibility })) throw nameConflict(room.visibility);
}

/** Whether `err` (or its cause: drizzle wraps driver errors) is a room-name unique violation. */
export function isRoomNameViolation(err: unknown): boolean {
  for (let e = err; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name: constraint } = e as { code?: unknown; constraint_name?: unknown };
    if (code === "23505" && typeof constraint === "string" && ROOM_NAME_INDEXES.has(constraint)) return true;
  }
  return false;
}
