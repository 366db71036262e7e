import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import type { RoomRole } from "@/protocol";
import type { Executor } from "../client";
import { connectionOf, FixedStatement } from "../pipeline";
import { roomMembers, rooms, users } from "../schema";
import { mentionSummaryColumns } from "./mentions";

export type RoomRow = typeof rooms.$inferSelect;
export type MembershipRow = typeof roomMembers.$inferSelect;

export async function insertRoom(
  db: Executor,
  room: { id: string; name: string; topic: string; visibility: RoomRow["visibility"]; createdBy: string; dmKey?: string },
) {
  const [row] = await db.insert(rooms).values(room).onConflictDoNothing().returning();
  return row ?? null;
}

/**
 * Rooms (not direct rooms) a user created. With `lock`, the user's row is locked for the rest
 * of the transaction first, so counting and creating cannot interleave for one user.
 */
export async function countRoomsCreatedBy(db: Executor, { userId, lock = false }: { userId: string; lock?: boolean }): Promise<number> {
  if (lock) await db.execute(sql`select 1 from users where id = ${userId} for update`);
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(rooms)
    .where(and(eq(rooms.createdBy, userId), sql`${rooms.visibility} <> 'direct'`));
  return row?.count ?? 0;
}

// A room and a standing are read on every join and every uncached frame: built once
// (db/pipeline.ts), not by the query builder each time.
const roomById = FixedStatement.select(new QueryBuilder().select().from(rooms).where(eq(rooms.id, sql.placeholder("id"))).limit(1));
const membershipOf = FixedStatement.select(
  new QueryBuilder()
    .select()
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, sql.placeholder("room")), eq(roomMembers.userId, sql.placeholder("user"))))
    .limit(1),
);
const roomIdsOf = FixedStatement.select(new QueryBuilder().select({ roomId: roomMembers.roomId }).from(roomMembers).where(eq(roomMembers.userId, sql.placeholder("user"))));

export async function getRoomById(db: Executor, { id }: { id: string }): Promise<RoomRow | null> {
  const [row] = await roomById.run(connectionOf(db), { id });
  return row ?? null;
}

export async function getMembership(db: Executor, { roomId, userId }: { roomId: string; userId: string }): Promise<MembershipRow | null> {
  const [row] = await membershipOf.run(connectionOf(db), { room: roomId, user: userId });
  return row ?? null;
}

/** Adds a member; returns true when the user was not a member before. */
export async function insertMember(db: Executor, { roomId, userId, role }: { roomId: string; userId: string; role: RoomRole }) {
  const rows = await db.insert(roomMembers).values({ roomId, userId, role }).onConflictDoNothing().returning({ userId: roomMembers.userId });
  return rows.length > 0;
}

const memberColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: roomMembers.role,
  readSeq: roomMembers.readSeq,
  deliveredSeq: roomMembers.deliveredSeq,
  lastSeenAt: users.lastSeenAt,
  mutedUntil: roomMembers.mutedUntil,
  muteReason: roomMembers.muteReason,
};

/**
 * One page of a room's members by username (`q` matches usernames and display names), for rooms too big to list whole. The cursor is the
 * last username seen (usernames are unique), so pages stay stable while people join and leave.
 */
export async function listMembersPage(db: Executor, { roomId, limit, after, q }: { roomId: string; limit: number; after?: string; q?: string }) {
  const conditions = [eq(roomMembers.roomId, roomId)];
  if (after !== undefined) conditions.push(gt(users.username, after));
  if (q) conditions.push(sql`(${users.username} ilike ${likePattern(q)} or ${users.displayName} ilike ${likePattern(q)})`);
  return db
    .select(memberColumns)
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(and(...conditions))
    .orderBy(asc(users.username))
    .limit(limit);
}

/** The first `limit` members in join order (the room's founders and staff come first), plus `include` if they are further down. */
type MemberRow = { id: string; username: string; displayName: string | null; role: RoomRole; readSeq: number; deliveredSeq: number; lastSeenAt: Date | null; mutedUntil: Date | null; muteReason: string | null };

/** Read on every join: built once (db/pipeline.ts), not by the query builder each time. */
const firstMembers = new FixedStatement<MemberRow>(
  new QueryBuilder()
    .select(memberColumns)
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, sql.placeholder("room")))
    .orderBy(asc(roomMembers.joinedAt))
    .limit(sql.placeholder("limit"))
    .getSQL(),
  memberColumns,
);

export async function listFirstMembers(db: Executor, { roomId, limit, include }: { roomId: string; limit: number; include: string }): Promise<MemberRow[]> {
  const first = await firstMembers.run(connectionOf(db), { room: roomId, limit });
  if (first.some((m) => m.id === include)) return first;
  const self = await db
    .select(memberColumns)
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, include)));
  return [...self, ...first];
}

export async function listMembers(db: Executor, { roomId }: { roomId: string }) {
  return db
    .select(memberColumns)
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, roomId))
    .orderBy(asc(roomMembers.joinedAt));
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const matchesQuery = (q: string) => {
  const pattern = likePattern(q);
  return sql`(${rooms.name} ilike ${pattern} or ${rooms.topic} ilike ${pattern} or exists (
    select 1 from ${roomMembers} rm join ${users} u on u.id = rm.user_id
    where rm.room_id = ${rooms.id} and u.username ilike ${pattern}))`;
};

const summaryColumns = { id: rooms.id, name: rooms.name, topic: rooms.topic, visibility: rooms.visibility, lastSeq: rooms.lastSeq };

/**
 * Rooms the user belongs to, newest activity first, with the unread count from the read cursor.
 * System lines (joins, moderation…) are history, never unread.
 */
export async function listRoomsOfUser(db: Executor, { userId, q }: { userId: string; q?: string }) {
  const unread = sql<number>`(select count(*)::int from messages m
    where m.room_id = ${rooms.id} and m.seq > ${roomMembers.readSeq} and m.sender_id <> ${userId}
      and m.deleted_at is null and m.kind <> 'system' and (m.recipient_id is null or m.recipient_id = ${userId}))`;
  return db
    .select({
      ...summaryColumns,
      role: roomMembers.role,
      readSeq: roomMembers.readSeq,
      dmKey: rooms.dmKey,
      unread,
      ...mentionSummaryColumns(userId, rooms),
    })
    .from(roomMembers)
    .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
    .where(and(eq(roomMembers.userId, userId), q ? matchesQuery(q) : undefined))
    .orderBy(desc(rooms.lastSeq), asc(rooms.name))
    .limit(500);
}

/** Public rooms, with whether the user already belongs to each. */
export async function listPublicRooms(db: Executor, { userId, q, limit = 100 }: { userId: string; q?: string; limit?: number }) {
  return db
    .select({
      ...summaryColumns,
      memberCount: sql<number>`(select count(*)::int from ${roomMembers} rm where rm.room_id = ${rooms.id})`,
      joined: sql<boolean>`exists (select 1 from ${roomMembers} rm where rm.room_id = ${rooms.id} and rm.user_id = ${userId})`,
    })
    .from(rooms)
    .where(and(eq(rooms.visibility, "public"), q ? matchesQuery(q) : undefined))
    .orderBy(asc(rooms.name))
    .limit(limit);
}

export async function removeMember(db: Executor, { roomId, userId }: { roomId: string; userId: string }) {
  const rows = await db
    .delete(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ userId: roomMembers.userId });
  return rows.length > 0;
}

/** The rooms a user belongs to (presence; where a change of their name is announced). */
export async function listRoomIdsOfUser(db: Executor, { userId }: { userId: string }): Promise<string[]> {
  const rows = await roomIdsOf.run(connectionOf(db), { user: userId });
  return rows.map((r) => r.roomId);
}

export async function countMembers(db: Executor, { roomId }: { roomId: string }): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
  return row?.n ?? 0;
}

export async function updateRoom(
  db: Executor,
  { id, patch }: { id: string; patch: Partial<Pick<RoomRow, "name" | "topic" | "visibility" | "settings">> },
): Promise<RoomRow | null> {
  const [row] = await db.update(rooms).set(patch).where(eq(rooms.id, id)).returning();
  return row ?? null;
}

export async function getRoomByDmKey(db: Executor, { dmKey }: { dmKey: string }): Promise<RoomRow | null> {
  const [row] = await db.select().from(rooms).where(eq(rooms.dmKey, dmKey)).limit(1);
  return row ?? null;
}
