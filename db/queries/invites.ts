import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { invites } from "../schema";

export type InviteRow = typeof invites.$inferSelect;

export async function insertInvite(db: Executor, invite: Omit<InviteRow, "uses" | "revokedAt" | "createdAt">) {
  const [row] = await db.insert(invites).values(invite).returning();
  return row!;
}

export async function getInviteByHash(db: Executor, { tokenHash }: { tokenHash: string }): Promise<InviteRow | null> {
  const [row] = await db.select().from(invites).where(eq(invites.tokenHash, tokenHash)).limit(1);
  return row ?? null;
}

/**
 * Takes one use of a live invite, atomically: returns null when it is revoked, expired or
 * used up, even if two people accept the last use at the same moment.
 */
export async function consumeInvite(db: Executor, { id }: { id: string }): Promise<InviteRow | null> {
  const [row] = await db
    .update(invites)
    .set({ uses: sql`${invites.uses} + 1` })
    .where(and(eq(invites.id, id), isNull(invites.revokedAt), gt(invites.expiresAt, sql`now()`), or(isNull(invites.maxUses), lt(invites.uses, invites.maxUses))))
    .returning();
  return row ?? null;
}

export async function listInvites(db: Executor, { roomId }: { roomId: string }) {
  return db.select().from(invites).where(eq(invites.roomId, roomId)).orderBy(desc(invites.createdAt)).limit(200);
}

export async function revokeInvite(db: Executor, { roomId, id }: { roomId: string; id: string }) {
  const rows = await db
    .update(invites)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(invites.id, id), eq(invites.roomId, roomId), isNull(invites.revokedAt)))
    .returning({ id: invites.id });
  return rows.length > 0;
}
