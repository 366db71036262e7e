import { and, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { roomMembers } from "../schema";

const member = (roomId: string, userId: string) => and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId));

/** Moves the read cursor forward only; returns the new cursor, or null when it did not move. */
export async function advanceReadCursor(db: Executor, { roomId, userId, seq }: { roomId: string; userId: string; seq: number }) {
  const [row] = await db
    .update(roomMembers)
    .set({ readSeq: seq, readAt: sql`now()`, deliveredSeq: sql`greatest(${roomMembers.deliveredSeq}, ${seq})` })
    .where(and(member(roomId, userId), lt(roomMembers.readSeq, seq)))
    .returning({ seq: roomMembers.readSeq, at: roomMembers.readAt });
  return row ? { seq: row.seq, at: row.at! } : null;
}

/** Moves the delivered cursor forward only; returns the new seq, or null when it did not move. */
export async function advanceDeliveredCursor(db: Executor, { roomId, userId, seq }: { roomId: string; userId: string; seq: number }) {
  const [row] = await db
    .update(roomMembers)
    .set({ deliveredSeq: seq })
    .where(and(member(roomId, userId), lt(roomMembers.deliveredSeq, seq)))
    .returning({ seq: roomMembers.deliveredSeq });
  return row?.seq ?? null;
}
