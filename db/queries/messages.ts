import { and, asc, desc, eq, gt, gte, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { MessageKind } from "@/protocol";
import type { Executor, Transaction } from "../client";
import { messages, rooms, users } from "../schema";

const messageColumns = {
  id: messages.id,
  roomId: messages.roomId,
  seq: messages.seq,
  senderId: messages.senderId,
  senderName: users.username,
  recipientId: messages.recipientId,
  kind: messages.kind,
  content: messages.content,
  replyTo: messages.replyTo,
  clientId: messages.clientId,
  meta: messages.meta,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
};

export type MessageRow = {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  recipientId: string | null;
  kind: MessageKind;
  content: string;
  replyTo: string | null;
  clientId: string;
  meta: Record<string, unknown> | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
};

/** A private message is visible only to its sender and recipient. */
const visibleTo = (viewerId: string) =>
  or(isNull(messages.recipientId), eq(messages.recipientId, viewerId), eq(messages.senderId, viewerId));

export async function findByClientId(tx: Executor, roomId: string, senderId: string, clientId: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(eq(messages.roomId, roomId), eq(messages.senderId, senderId), eq(messages.clientId, clientId)))
    .limit(1);
  return row ?? null;
}

/**
 * Appends a message with the room's next seq, inside the caller's transaction. The room row
 * is locked first, which serializes appends per room (seq stays gap-free) and makes the
 * idempotency check race-free: a retried client id returns the stored message unchanged.
 */
export async function appendMessage(
  tx: Transaction,
  input: Omit<MessageRow, "seq" | "senderName" | "createdAt" | "editedAt" | "deletedAt">,
): Promise<{ message: MessageRow; created: boolean }> {
  await tx.execute(sql`select 1 from ${rooms} where ${rooms.id} = ${input.roomId} for update`);
  const existing = await findByClientId(tx, input.roomId, input.senderId, input.clientId);
  if (existing) return { message: existing, created: false };

  const [room] = await tx
    .update(rooms)
    .set({ lastSeq: sql`${rooms.lastSeq} + 1` })
    .where(eq(rooms.id, input.roomId))
    .returning({ lastSeq: rooms.lastSeq });
  if (!room) throw new Error(`room ${input.roomId} vanished during append`);
  await tx.insert(messages).values({ ...input, seq: room.lastSeq });
  const stored = await findByClientId(tx, input.roomId, input.senderId, input.clientId);
  return { message: stored!, created: true };
}

export async function getMessageById(db: Executor, { id }: { id: string }): Promise<MessageRow | null> {
  const [row] = await db.select(messageColumns).from(messages).innerJoin(users, eq(users.id, messages.senderId)).where(eq(messages.id, id)).limit(1);
  return row ?? null;
}

/**
 * A page of the room's history visible to `viewerId`, always returned ascending by seq.
 * `before` pages backwards from a seq, `after` forwards; with neither, the latest page.
 */
export async function listMessages(
  db: Executor,
  {
    roomId,
    viewerId,
    before,
    after,
    limit,
    notBefore,
  }: {
    roomId: string;
    /** null: every message, for server-side fan-out that filters per socket */
    viewerId: string | null;
    before?: number;
    after?: number;
    limit: number;
    /** Retention: nothing older than this is returned, even before the job deletes it. */
    notBefore?: Date;
  },
): Promise<MessageRow[]> {
  const conditions: SQL[] = [eq(messages.roomId, roomId)];
  if (notBefore) conditions.push(gte(messages.createdAt, notBefore));
  if (viewerId !== null) conditions.push(visibleTo(viewerId)!);
  if (before !== undefined) conditions.push(lt(messages.seq, before));
  if (after !== undefined) conditions.push(gt(messages.seq, after));
  const forwards = after !== undefined && before === undefined;
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(...conditions))
    .orderBy(forwards ? asc(messages.seq) : desc(messages.seq))
    .limit(limit);
  return forwards ? rows : rows.reverse();
}

export async function updateMessageContent(db: Executor, { id, content }: { id: string; content: string }) {
  await db.update(messages).set({ content, editedAt: sql`now()` }).where(eq(messages.id, id));
  return getMessageById(db, { id });
}

/** Deletes a message's content but keeps its row, so seq stays gap-free and history shows a tombstone. */
export async function tombstoneMessage(db: Executor, { id }: { id: string }) {
  await db.update(messages).set({ content: "", meta: null, deletedAt: sql`now()` }).where(eq(messages.id, id));
  return getMessageById(db, { id });
}

/** Deletes messages older than each room's retention; returns how many went. */
export async function deleteExpiredMessages(db: Executor): Promise<number> {
  const expiring = await db
    .select({ id: rooms.id, days: sql<number>`(${rooms.settings}->>'retention_days')::float8` })
    .from(rooms)
    .where(sql`${rooms.settings} ? 'retention_days' and jsonb_typeof(${rooms.settings}->'retention_days') = 'number'`);
  let deleted = 0;
  for (const room of expiring) {
    const cutoff = new Date(Date.now() - room.days * 86_400_000);
    const rows = await db
      .delete(messages)
      .where(and(eq(messages.roomId, room.id), lt(messages.createdAt, cutoff)))
      .returning({ id: messages.id });
    deleted += rows.length;
  }
  return deleted;
}
