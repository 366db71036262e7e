import { and, eq, inArray, isNull, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { roomMembers, users } from "../schema";

/**
 * What a message asks to mention, before resolution: lower-cased usernames, the ids of the
 * members online for `@here` (presence is not in the database, so the caller looked it up),
 * and whether `@room` was used (already authorized by the caller).
 */
export interface MentionRequest {
  names: readonly string[];
  here: readonly string[];
  room: boolean;
}

export interface MentionTarget {
  roomId: string;
  senderId: string;
  /** A private message mentions at most its recipient. */
  recipientId: string | null;
  request: MentionRequest;
}

/**
 * Resolves the mentions of many messages (possibly in several rooms) with one query against
 * the rooms' current members: only members can be mentioned, the sender never is, and a private
 * message mentions only its recipient. Results are sorted ids, in input order.
 */
export async function resolveMentions(db: Executor, targets: readonly MentionTarget[]): Promise<string[][]> {
  const wanted = targets.filter((t) => t.request.room || t.request.names.length > 0 || t.request.here.length > 0);
  if (wanted.length === 0) return targets.map(() => []);
  const names = [...new Set(wanted.flatMap((t) => t.request.names))];
  const ids = [...new Set(wanted.flatMap((t) => t.request.here))];
  const everyone = [...new Set(wanted.filter((t) => t.request.room).map((t) => t.roomId))];
  const match: SQL[] = [];
  if (names.length > 0) match.push(inArray(sql`lower(${users.username})`, names));
  if (ids.length > 0) match.push(inArray(roomMembers.userId, ids));
  if (everyone.length > 0) match.push(inArray(roomMembers.roomId, everyone));
  const rows = await db
    .select({ roomId: roomMembers.roomId, userId: roomMembers.userId, name: sql<string>`lower(${users.username})` })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(and(inArray(roomMembers.roomId, [...new Set(wanted.map((t) => t.roomId))]), isNull(users.deletedAt), or(...match)));
  const byRoom = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = byRoom.get(row.roomId);
    if (list) list.push(row);
    else byRoom.set(row.roomId, [row]);
  }
  return targets.map((t) => {
    const { room } = t.request;
    const asked = new Set(t.request.names);
    const here = new Set(t.request.here);
    const members = byRoom.get(t.roomId) ?? [];
    const hit = new Set<string>();
    for (const m of members) {
      if (m.userId === t.senderId) continue;
      if (room || asked.has(m.name) || here.has(m.userId)) hit.add(m.userId);
    }
    if (t.recipientId !== null) return hit.has(t.recipientId) ? [t.recipientId] : [];
    return [...hit].sort();
  });
}

/** Rooms up to this many members notify on every message by default; larger ones on mentions. */
export const SMALL_ROOM_MEMBERS = 10;

/**
 * Columns for a member's row in "my rooms": unread messages that mention them (same rules as
 * the unread count: others' visible, undeleted, non-system messages above the read cursor), and
 * their notification level, defaulting by room size (direct rooms and rooms of up to
 * SMALL_ROOM_MEMBERS: all; larger: mentions). The size is counted only up to the threshold.
 */
export function mentionSummaryColumns(userId: string, room: { id: SQL | AnyColumn; visibility: SQL | AnyColumn }) {
  return {
    mentions: sql<number>`(select count(*)::int from messages m
      where m.room_id = ${room.id} and m.seq > ${roomMembers.readSeq} and m.sender_id <> ${userId}
        and m.deleted_at is null and m.kind <> 'system' and (m.recipient_id is null or m.recipient_id = ${userId})
        and ${userId}::uuid = any(m.mentions))`,
    notifications: sql<"all" | "mentions" | "none">`coalesce(${roomMembers.notifyLevel}, ${defaultLevelSql(room)})`,
  };
}

/** The default notification level of a room, in SQL (see mentionSummaryColumns). */
export const defaultLevelSql = (room: { id: SQL | AnyColumn; visibility: SQL | AnyColumn }) =>
  sql`case when ${room.visibility} = 'direct' or (select count(*) from (select 1 from room_members x where x.room_id = ${room.id} limit ${SMALL_ROOM_MEMBERS + 1}) small) <= ${SMALL_ROOM_MEMBERS} then 'all' else 'mentions' end`;

/** Sets (or with null, resets to the size default) a member's notification level; false when not a member. */
export async function setNotifyLevel(db: Executor, { roomId, userId, level }: { roomId: string; userId: string; level: "all" | "mentions" | "none" | null }) {
  const rows = await db
    .update(roomMembers)
    .set({ notifyLevel: level })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ userId: roomMembers.userId });
  return rows.length > 0;
}
