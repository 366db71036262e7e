import { and, asc, eq, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import type { Reaction } from "@/protocol";
import type { Executor } from "../client";
import { connectionOf, FixedStatement } from "../pipeline";
import { messageReactions } from "../schema";
import { arrayOf } from "./columnar";

/** Returns true when the reaction was not there before. */
export async function addReaction(db: Executor, { messageId, userId, emoji }: { messageId: string; userId: string; emoji: string }) {
  const rows = await db.insert(messageReactions).values({ messageId, userId, emoji }).onConflictDoNothing().returning({ emoji: messageReactions.emoji });
  return rows.length > 0;
}

/** Returns true when the reaction existed. */
export async function removeReaction(db: Executor, { messageId, userId, emoji }: { messageId: string; userId: string; emoji: string }) {
  const rows = await db
    .delete(messageReactions)
    .where(and(eq(messageReactions.messageId, messageId), eq(messageReactions.userId, userId), eq(messageReactions.emoji, emoji)))
    .returning({ emoji: messageReactions.emoji });
  return rows.length > 0;
}

const reactionColumns = { messageId: messageReactions.messageId, userId: messageReactions.userId, emoji: messageReactions.emoji };
/**
 * Read with every page of history and every replay: built once (db/pipeline.ts), with the ids as
 * one array, so its text does not change with the page's length.
 */
const reactionsOf = new FixedStatement<{ messageId: string; userId: string; emoji: string }>(
  new QueryBuilder()
    .select(reactionColumns)
    .from(messageReactions)
    .where(sql`${messageReactions.messageId} = any(${arrayOf("ids", "uuid")})`)
    .orderBy(asc(messageReactions.createdAt), asc(messageReactions.userId))
    .getSQL(),
  reactionColumns,
);

/** Reactions per message, each emoji with its users in the order they reacted. */
export async function getReactions(db: Executor, { messageIds }: { messageIds: string[] }): Promise<Map<string, Reaction[]>> {
  const result = new Map<string, Reaction[]>();
  if (messageIds.length === 0) return result;
  const rows = await reactionsOf.run(connectionOf(db), { ids: messageIds });
  for (const row of rows) {
    const list = result.get(row.messageId) ?? [];
    let entry = list.find((r) => r.emoji === row.emoji);
    if (!entry) {
      entry = { emoji: row.emoji, count: 0, users: [] };
      list.push(entry);
    }
    entry.count++;
    entry.users.push(row.userId);
    result.set(row.messageId, list);
  }
  return result;
}
