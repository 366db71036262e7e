import { and, desc, eq, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { messages, roomBans, roomMembers, rooms, users } from "../schema";
import { messageColumns, visibleTo, type MessageRow } from "./messages";

/** Up to this length a result's highlight is the whole message. */
const WHOLE_MESSAGE_CHARS = 280;

export type SearchRow = MessageRow & { roomName: string; roomVisibility: "public" | "private" | "direct"; highlight: string };

/** Where a page of results ends: strictly older than this message (ties broken by id) or time. */
export type SearchCursor = { createdAt: Date; id?: string };

/**
 * Messages matching `tsquery` (a query string built by the caller from sanitized words, never
 * user text) that `viewerId` may read now, newest first.
 *
 * The read rule is history's (server/chat/permissions.ts `canRead`): a member reads the room; a
 * public room is read by anyone not banned from it; kicked and banned users are no longer
 * members, so their old rooms drop out. Within a room, private messages are the sender's and
 * recipient's (`visibleTo`) and retention hides what is older than the room keeps. Deleted
 * messages (their content is gone) and system lines (the room's record, not anyone's words)
 * are never results.
 */
export async function searchMessages(
  db: Executor,
  { viewerId, tsquery, roomId, senderId, before, limit }: { viewerId: string; tsquery: string; roomId?: string; senderId?: string; before?: SearchCursor; limit: number },
): Promise<SearchRow[]> {
  const query = sql`to_tsquery('simple'::regconfig, ${tsquery})`;
  // The readable rooms are computed once (a hashed semi-join), not probed per matching message.
  const readable = sql`${messages.roomId} in (
    select ${roomMembers.roomId} from ${roomMembers} where ${roomMembers.userId} = ${viewerId}
    union
    select pr.id from ${rooms} pr where pr.visibility = 'public'
      and not exists (select 1 from ${roomBans} where ${roomBans.roomId} = pr.id and ${roomBans.userId} = ${viewerId}))`;
  // Same cut-off as retentionCutoff() in server/chat/messages.ts, per room in SQL.
  const retained = sql`(jsonb_typeof(${rooms.settings}->'retention_days') is distinct from 'number'
    or (${rooms.settings}->>'retention_days')::float8 <= 0
    or ${messages.createdAt} >= now() - make_interval(secs => (${rooms.settings}->>'retention_days')::float8 * 86400))`;
  const conditions: SQL[] = [sql`${messages.search} @@ ${query}`, isNull(messages.deletedAt), ne(messages.kind, "system"), visibleTo(viewerId)!, readable, retained];
  if (roomId) conditions.push(eq(messages.roomId, roomId));
  if (senderId) conditions.push(eq(messages.senderId, senderId));
  if (before?.id) conditions.push(sql`(${messages.createdAt}, ${messages.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id}::uuid)`);
  else if (before) conditions.push(sql`${messages.createdAt} < ${before.createdAt.toISOString()}::timestamptz`);

  // The content is HTML-escaped before ts_headline adds its <mark>s, so the highlight holds no
  // markup but ours whatever the message says. Postgres computes it for the returned page only.
  const escaped = sql`replace(replace(replace(replace(replace(${messages.content}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`;
  // A short message is shown whole; a long one as up to two fragments around its matches.
  const highlight = sql<string>`case when length(${messages.content}) <= ${WHOLE_MESSAGE_CHARS}
    then ts_headline('simple'::regconfig, ${escaped}, ${query}, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')
    else ts_headline('simple'::regconfig, ${escaped}, ${query}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, ShortWord=1, MaxFragments=2, FragmentDelimiter=" … "')
    end`;

  // Statements go out prepared (db/statements.ts), and after five runs Postgres may settle on a
  // generic plan: fine for key lookups, not for a text query whose best plan depends on how
  // common its words are (the GIN index for a rare word, newest-first for a common one).
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return tx
      .select({ ...messageColumns, roomName: rooms.name, roomVisibility: rooms.visibility, highlight })
      .from(messages)
      .innerJoin(rooms, eq(rooms.id, messages.roomId))
      .innerJoin(users, eq(users.id, messages.senderId))
      .where(and(...conditions))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit);
  });
}

/** The (time, id) position of a message, for a `before` given as a message id. */
export async function getMessagePosition(db: Executor, { id }: { id: string }): Promise<SearchCursor | null> {
  const [row] = await db.select({ createdAt: messages.createdAt, id: messages.id }).from(messages).where(eq(messages.id, id)).limit(1);
  return row ?? null;
}
