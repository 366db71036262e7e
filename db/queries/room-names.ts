import { and, eq, ne, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { rooms } from "../schema";

/** The unique indexes that keep room names unique per scope (db/schema.ts). */
export const ROOM_NAME_INDEXES = new Set(["rooms_public_name_idx", "rooms_private_name_idx"]);

/**
 * Whether another room in the same scope already has this name, ignoring case: public rooms
 * among public rooms, private rooms among the same creator's private rooms.
 */
export async function roomNameTaken(
  db: Executor,
  { name, visibility, createdBy, exceptId }: { name: string; visibility: "public" | "private"; createdBy: string | null; exceptId?: string },
): Promise<boolean> {
  const conditions: SQL[] = [sql`lower(${rooms.name}) = lower(${name})`, eq(rooms.visibility, visibility)];
  if (visibility === "private") {
    if (createdBy === null) return false;
    conditions.push(eq(rooms.createdBy, createdBy));
  }
  if (exceptId) conditions.push(ne(rooms.id, exceptId));
  const [row] = await db
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(...conditions))
    .limit(1);
  return row !== undefined;
}
