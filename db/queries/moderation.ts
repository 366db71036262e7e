import { randomUUID } from "node:crypto";
import { and, desc, eq, lt } from "drizzle-orm";
import type { RoomRole } from "@/protocol";
import type { Executor } from "../client";
import { auditLog, roomBans, roomMembers, users } from "../schema";

const member = (roomId: string, userId: string) => and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId));

export async function isBanned(db: Executor, { roomId, userId }: { roomId: string; userId: string }) {
  const [row] = await db.select({ userId: roomBans.userId }).from(roomBans).where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId))).limit(1);
  return row !== undefined;
}

export async function insertBan(db: Executor, ban: { roomId: string; userId: string; bannedBy: string; reason: string | null }) {
  await db.insert(roomBans).values(ban).onConflictDoNothing();
}

export async function deleteBan(db: Executor, { roomId, userId }: { roomId: string; userId: string }) {
  const rows = await db.delete(roomBans).where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId))).returning({ userId: roomBans.userId });
  return rows.length > 0;
}

export async function listBans(db: Executor, { roomId }: { roomId: string }) {
  return db
    .select({ id: users.id, username: users.username, reason: roomBans.reason, createdAt: roomBans.createdAt })
    .from(roomBans)
    .innerJoin(users, eq(users.id, roomBans.userId))
    .where(eq(roomBans.roomId, roomId))
    .orderBy(desc(roomBans.createdAt));
}

export async function setMute(db: Executor, { roomId, userId, until, reason }: { roomId: string; userId: string; until: Date | null; reason: string | null }) {
  await db.update(roomMembers).set({ mutedUntil: until, muteReason: reason }).where(member(roomId, userId));
}

export async function setRole(db: Executor, { roomId, userId, role }: { roomId: string; userId: string; role: RoomRole }) {
  await db.update(roomMembers).set({ role }).where(member(roomId, userId));
}

export async function insertAudit(
  db: Executor,
  entry: { roomId: string; actorId: string; action: string; targetId?: string | null; reason?: string | null; details?: Record<string, unknown> | null },
) {
  await db.insert(auditLog).values({ id: randomUUID(), targetId: null, reason: null, details: null, ...entry });
}

export async function listAudit(db: Executor, { roomId, before, limit }: { roomId: string; before?: Date; limit: number }) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      actorId: auditLog.actorId,
      targetId: auditLog.targetId,
      reason: auditLog.reason,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .where(and(eq(auditLog.roomId, roomId), before ? lt(auditLog.createdAt, before) : undefined))
    .orderBy(desc(auditLog.createdAt))
    .limit(limit);
}
