import { and, count, desc, eq, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "../client";
import { messages, pins, users } from "../schema";
import { messageColumns, visibleTo, type MessageRow } from "./messages";

/** Pins a message; its pin time when it was not pinned before, else null. */
export async function insertPin(db: Executor, pin: { roomId: string; messageId: string; pinnedBy: string }): Promise<Date | null> {
  const [row] = await db.insert(pins).values(pin).onConflictDoNothing().returning({ pinnedAt: pins.pinnedAt });
  return row?.pinnedAt ?? null;
}

/** Unpins a message; true when it was pinned. */
export async function deletePin(db: Executor, { roomId, messageId }: { roomId: string; messageId: string }): Promise<boolean> {
  const rows = await db
    .delete(pins)
    .where(and(eq(pins.roomId, roomId), eq(pins.messageId, messageId)))
    .returning({ messageId: pins.messageId });
  return rows.length > 0;
}

/** Pins that still show (a deleted message's pin does not count against the room's cap). */
export async function countPins(db: Executor, { roomId }: { roomId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(pins)
    .innerJoin(messages, eq(messages.id, pins.messageId))
    .where(and(eq(pins.roomId, roomId), isNull(messages.deletedAt)));
  return row?.n ?? 0;
}

const pinner = alias(users, "pinner");

/** The room's pinned messages `viewerId` may see, newest pin first; deleted messages drop out. */
export async function listPins(db: Executor, { roomId, viewerId }: { roomId: string; viewerId: string }) {
  const rows = await db
    .select({ ...messageColumns, pinnedAt: pins.pinnedAt, pinnedById: pins.pinnedBy, pinnedByName: pinner.username })
    .from(pins)
    .innerJoin(messages, eq(messages.id, pins.messageId))
    .innerJoin(users, eq(users.id, messages.senderId))
    .leftJoin(pinner, eq(pinner.id, pins.pinnedBy))
    .where(and(eq(pins.roomId, roomId), isNull(messages.deletedAt), visibleTo(viewerId)))
    .orderBy(desc(pins.pinnedAt));
  return rows as Array<MessageRow & { pinnedAt: Date; pinnedById: string | null; pinnedByName: string | null }>;
}
