/** Queries behind site administration (server/admin): users, rooms, the site audit, resets. */
import { and, asc, count, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { blocks, passwordResets, roomMembers, rooms, siteAudit, users } from "../schema";

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type AdminUserRow = {
  id: string;
  username: string;
  displayName: string | null;
  siteAdmin: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  lastSeenAt: Date | null;
};

/** One page of accounts (deleted ones are gone from the list), by username. */
export async function listUsersPage(db: Executor, { q, offset, limit }: { q?: string; offset: number; limit: number }) {
  const where = and(
    isNull(users.deletedAt),
    q ? sql`(${users.username} ilike ${likePattern(q)} or ${users.displayName} ilike ${likePattern(q)})` : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        siteAdmin: users.siteAdmin,
        disabledAt: users.disabledAt,
        createdAt: users.createdAt,
        lastSeenAt: users.lastSeenAt,
      })
      .from(users)
      .where(where)
      .orderBy(asc(sql`lower(${users.username})`), asc(users.id))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows: rows as AdminUserRow[], total: total?.n ?? 0 };
}

/** The account as site administration sees it; null when it does not exist or was deleted. */
export async function getLiveUser(db: Executor, { id }: { id: string }) {
  const [row] = await db
    .select({ id: users.id, username: users.username, siteAdmin: users.siteAdmin, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .limit(1);
  return row ?? null;
}

export async function countSiteAdmins(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(and(eq(users.siteAdmin, true), isNull(users.deletedAt)));
  return row?.n ?? 0;
}

export async function setSiteAdmin(db: Executor, { id, siteAdmin }: { id: string; siteAdmin: boolean }) {
  await db.update(users).set({ siteAdmin }).where(eq(users.id, id));
}

/**
 * Deletes an account but keeps its row as a tombstone: the username is freed, the password
 * can never match, memberships, blocks and reset links go. Messages stay (seq is gap-free).
 */
export async function tombstoneUser(db: Executor, { id }: { id: string }) {
  await db
    .update(users)
    .set({ username: `deleted-${id}`, passwordHash: "!", siteAdmin: false, deletedAt: new Date(), disabledAt: new Date() })
    .where(eq(users.id, id));
  await db.delete(roomMembers).where(eq(roomMembers.userId, id));
  await db.delete(blocks).where(eq(blocks.blockerId, id));
  await db.delete(blocks).where(eq(blocks.blockedId, id));
  await db.delete(passwordResets).where(eq(passwordResets.userId, id));
}

export async function setPasswordHash(db: Executor, { id, passwordHash }: { id: string; passwordHash: string }) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export type AdminRoomRow = {
  id: string;
  name: string;
  visibility: "public" | "private" | "direct";
  settings: Record<string, unknown>;
  createdAt: Date;
  members: number;
  messages: number;
};

/** One page of rooms with member and (stored, not deleted) message counts, newest first. */
export async function listRoomsPage(db: Executor, { q, offset, limit }: { q?: string; offset: number; limit: number }) {
  const where = q ? sql`${rooms.name} ilike ${likePattern(q)}` : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: rooms.id,
        name: rooms.name,
        visibility: rooms.visibility,
        settings: rooms.settings,
        createdAt: rooms.createdAt,
        // Spelled out: drizzle renders a column unqualified inside sql``, which a subquery would bind to its own table.
        members: sql<number>`(select count(*) from room_members m where m.room_id = rooms.id)::int`,
        messages: sql<number>`(select count(*) from messages x where x.room_id = rooms.id and x.deleted_at is null and x.kind <> 'system')::int`,
      })
      .from(rooms)
      .where(where)
      .orderBy(desc(rooms.createdAt), asc(rooms.id))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(rooms).where(where),
  ]);
  return { rows: rows as AdminRoomRow[], total: total?.n ?? 0 };
}

/** Deletes a room; members, messages, invites and its room audit go with it (cascade). */
export async function deleteRoomRow(db: Executor, { id }: { id: string }) {
  const rows = await db.delete(rooms).where(eq(rooms.id, id)).returning({ id: rooms.id });
  return rows.length > 0;
}

export async function insertSiteAudit(
  db: Executor,
  entry: { id: string; actorId: string; action: string; targetType: "user" | "room" | "site"; targetId: string; targetName: string; details?: Record<string, unknown> },
) {
  await db.insert(siteAudit).values({ ...entry, details: entry.details ?? null });
}

/** Newest first; `before` is the created_at of the previous page's last row. */
export async function listSiteAudit(db: Executor, { before, limit }: { before?: Date; limit: number }) {
  return db
    .select({
      id: siteAudit.id,
      action: siteAudit.action,
      targetType: siteAudit.targetType,
      targetId: siteAudit.targetId,
      targetName: siteAudit.targetName,
      details: siteAudit.details,
      createdAt: siteAudit.createdAt,
      actorId: siteAudit.actorId,
      actorName: users.username,
    })
    .from(siteAudit)
    .leftJoin(users, eq(users.id, siteAudit.actorId))
    .where(before ? sql`${siteAudit.createdAt} < ${before}` : undefined)
    .orderBy(desc(siteAudit.createdAt), desc(siteAudit.id))
    .limit(limit);
}

export async function insertPasswordReset(db: Executor, row: { tokenHash: string; userId: string; createdBy: string; expiresAt: Date }) {
  await db.insert(passwordResets).values(row);
}

/**
 * Marks a reset link used, once: only an unused, unexpired link of a live account matches, so
 * two concurrent uses cannot both succeed. Returns the user id, or null.
 */
export async function consumePasswordReset(db: Executor, { tokenHash }: { tokenHash: string }): Promise<string | null> {
  const rows = await db
    .update(passwordResets)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
    .returning({ userId: passwordResets.userId });
  return rows[0]?.userId ?? null;
}

/** Whether a link can still be used (for the reset page, before the user types a password). */
export async function peekPasswordReset(db: Executor, { tokenHash }: { tokenHash: string }) {
  const [row] = await db
    .select({ username: users.username })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date()), isNull(users.deletedAt)))
    .limit(1);
  return row ?? null;
}
