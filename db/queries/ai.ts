/** Queries of the AI assistant (server/ai): its user row and its streaming replies. */
import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { connectionOf, FixedStatement } from "../pipeline";
import { messages, roomMembers, users } from "../schema";
import { arrayOf } from "./columnar";

/**
 * The assistant's user row, created on first start. A human account of the same name keeps
 * it: the caller refuses to start the assistant rather than speak under someone's name.
 */
export async function ensureBotUser(db: Executor, { id, username }: { id: string; username: string }): Promise<{ id: string; username: string; bot: boolean }> {
  // A password hash no argon2 verify accepts; sign-in refuses bots before checking it anyway.
  await db.insert(users).values({ id, username, passwordHash: "!bot", bot: true }).onConflictDoNothing();
  const [row] = await db
    .select({ id: users.id, username: users.username, bot: users.bot })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .limit(1);
  if (!row) throw new Error(`could not create the assistant's user ${username}`);
  return row;
}

/** Makes the assistant a plain member of the room; true when it was not one before. */
export async function addBotMember(db: Executor, { roomId, userId }: { roomId: string; userId: string }): Promise<boolean> {
  const rows = await db.insert(roomMembers).values({ roomId, userId, role: "member" }).onConflictDoNothing().returning({ userId: roomMembers.userId });
  return rows.length > 0;
}

/**
 * Ids of the room's replies still marked streaming, oldest first (a partial index serves it).
 * Only the assistant's: a person's `meta` is theirs to fill and proves nothing.
 */
export async function listStreamingIds(db: Executor, { roomId, botId }: { roomId: string; botId: string }): Promise<string[]> {
  const rows = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.roomId, roomId), eq(messages.senderId, botId), sql`(${messages.meta}->>'streaming') = 'true'`))
    .orderBy(messages.seq);
  return rows.map((r) => r.id);
}

/**
 * One text whatever the number of replies (each column an array, as the group commit's insert
 * does): a CASE per row was a new text for every count, over the bound for preparing, so each
 * flush stopped the embedded database's one connection for a Describe while people's messages
 * queued behind it. Meta travels as text, cast back per row.
 */
const writeRows = new FixedStatement<{ id: string }>(sql`
  update ${messages} set ${sql.identifier(messages.content.name)} = v.content, ${sql.identifier(messages.meta.name)} = v.meta::jsonb,
    ${sql.identifier(messages.partial.name)} = true
  from unnest(${arrayOf("ids", "uuid")}, ${arrayOf("contents", "text")}, ${arrayOf("metas", "text")}) as v(id, content, meta)
  where ${messages.id} = v.id and ${messages.deletedAt} is null
  returning ${messages.id} as id`);

/**
 * Writes the text so far of several streaming replies in one statement (the generating
 * instance's periodic flush). The rows are marked partial, so their search terms wait for the
 * final text (see `messages.search`). Deleted rows are left alone; returns the ids written.
 */
export async function writeStreams(db: Executor, rows: ReadonlyArray<{ id: string; content: string; meta: Record<string, unknown> }>): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await writeRows.run(connectionOf(db), {
    ids: rows.map((r) => r.id),
    contents: rows.map((r) => r.content),
    metas: rows.map((r) => JSON.stringify(r.meta)),
  });
  return new Set(written.map((r) => r.id));
}

/**
 * Writes a reply's final text and meta, and its search terms with them. Not an edit:
 * `edited_at` stays unset. A deleted reply stays deleted; returns whether a live row was written.
 */
export async function writeStream(db: Executor, { id, content, meta }: { id: string; content: string; meta: Record<string, unknown> }): Promise<boolean> {
  const rows = await db
    .update(messages)
    .set({ content, meta, partial: false })
    .where(and(eq(messages.id, id), sql`${messages.deletedAt} is null`))
    .returning({ id: messages.id });
  return rows.length > 0;
}
