import { and, asc, desc, eq, gt, gte, isNull, lt, lte, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import type { Attachment, MessageKind } from "@/protocol";
import type { Database, Executor } from "../client";
import { resolveMentions, type MentionRequest } from "./mentions";
import { archiveCursors, blocks, messageChanges, messages, rooms, users, type StoredLinkPreview } from "../schema";
import { claimUploads, releaseUploads } from "./uploads";
import { append, storedColumns, type NewMessageRow } from "./columnar";
import { connectionOf, FixedStatement, pipelined, type Pipeline } from "../pipeline";

/** A deleted account's messages keep their place and read as from "deleted user". */
export const messageColumns = {
  ...storedColumns,
  senderName: sql<string>`case when ${users.deletedAt} is null then ${users.username} else 'deleted user' end`,
  senderDisplay: sql<string | null>`case when ${users.deletedAt} is null then ${users.displayName} end`,
};

export type MessageRow = {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  /** The sender's display name now (not when they sent it); null shows senderName. */
  senderDisplay: string | null;
  recipientId: string | null;
  kind: MessageKind;
  content: string;
  replyTo: string | null;
  clientId: string;
  meta: Record<string, unknown> | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** The link preview attached by the background job (server/link-previews). */
  preview: StoredLinkPreview | null;
  /** Ids of the members the message mentions (resolved when stored or edited). */
  mentions: string[];
  /** Uploads attached by the commit that stored the message (null/absent: none). */
  attachments?: Attachment[] | null;
};

/** A private message is visible only to its sender and recipient. */
export const visibleTo = (viewerId: string | Placeholder) =>
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

/** The sender's display name is read under the lock, with their standing. */
export type AppendInput = Omit<MessageRow, "seq" | "createdAt" | "editedAt" | "deletedAt" | "senderDisplay" | "preview" | "mentions" | "attachments"> & {
  /** Resolved under the room lock against the members at commit time, with the batch's others in one query. */
  mentionRequest?: MentionRequest | null;
  /** Uploads the commit claims for the message (see appendBatches); their wire form is stored. */
  attachmentIds?: readonly string[];
};

export type AppendResult =
  | { ok: true; message: MessageRow; created: boolean }
  /**
   * The sender lost the right to post between the check and the commit (ban, kick, mute), or
   * an upload to attach was attached by a send that committed first.
   */
  | { ok: false; reason: "not_member" | "muted" | "attachments"; mutedUntil?: Date; muteReason?: string | null };

/** Why a member's send is refused under the lock, or null when it may be stored. */
function refusalOf(
  member: { mutedUntil: Date | null; muteReason: string | null } | undefined,
  now: number,
): Extract<AppendResult, { ok: false }> | null {
  if (!member) return { ok: false, reason: "not_member" };
  if (member.mutedUntil && member.mutedUntil.getTime() > now) return { ok: false, reason: "muted", mutedUntil: member.mutedUntil, muteReason: member.muteReason };
  return null;
}

/**
 * Group commit: appends batches of messages to one or more rooms in one transaction, with one
 * seq bump per room and one multi-row insert, in five statements whatever the number of rooms
 * and two round trips on the embedded database (BEGIN travels with the lock and the reads,
 * COMMIT with the writes: db/pipeline.ts).
 * The room rows are locked first (in id order), which serializes appends per room across
 * instances (seq stays gap-free) and makes the idempotency check exact: a client id already
 * stored under this sender returns the stored message unchanged. Membership and mute are
 * re-read under the lock, so a ban or mute that committed first wins over a send racing it.
 * Results are per batch, in input order; inputs repeating a (sender, client id) share one
 * message.
 */
export function appendBatches(db: Database, batches: ReadonlyArray<{ room: string; inputs: readonly AppendInput[] }>): Promise<AppendResult[][]> {
  return pipelined(db, (p) => appendIn(p, batches));
}

async function appendIn(p: Pipeline, batches: ReadonlyArray<{ room: string; inputs: readonly AppendInput[] }>): Promise<AppendResult[][]> {
  const roomIds = [...new Set(batches.map((b) => b.room))].sort();
  const all = batches.flatMap((b) => b.inputs);
  const pair = (roomId: string, userId: string) => `${roomId}\u0000${userId}`;
  const senders = [...new Set(all.map((i) => i.senderId))];
  const key = (i: { roomId: string; senderId: string; clientId: string }) => `${i.roomId}\u0000${i.senderId}\u0000${i.clientId}`;
  const keys = [...new Map(all.map((i) => [key(i), i])).values()];
  // The reads are sent with the lock, in one round trip (postgres.js pipelines the queries
  // issued in the same turn). A connection runs its statements in order, each with a snapshot
  // taken when it starts, so the reads run once the lock is held and see what it protects.
  const [locked, members, existing] = await Promise.all([append.lock(p, roomIds), append.standing(p, roomIds, senders), append.existing(p, keys)]);
  const lastSeq = new Map(locked.map((r) => [r.id, r.lastSeq]));
  const missing = roomIds.find((id) => !lastSeq.has(id));
  if (missing) throw new Error(`room ${missing} vanished during append`);

  const standing = new Map(members.map((m) => [pair(m.roomId, m.userId), m]));
  const nameOf = new Map(all.map((i) => [i.senderId, i.senderName]));
  // A sender who is not a member (a system line about someone who left) shows their username.
  const displayOf = new Map([...standing.values()].map((m) => [m.userId, m.displayName]));
  const stored = new Map<string, MessageRow>();
  for (const row of existing) stored.set(key(row), { ...row, senderName: nameOf.get(row.senderId) ?? "", senderDisplay: displayOf.get(row.senderId) ?? null });

  const now = Date.now();
  // Uploads are claimed before seqs are handed out, so a send whose upload was taken by another
  // commit fails alone and leaves no hole: one UPDATE … WHERE message_id IS NULL for the whole
  // round, which the row lock on each upload makes exact across instances.
  const claimants = new Map<string, AppendInput>();
  for (const { room, inputs } of batches) {
    for (const input of inputs) {
      if (!input.attachmentIds?.length || stored.has(key(input)) || claimants.has(key(input))) continue;
      if (input.kind !== "system" && refusalOf(standing.get(pair(room, input.senderId)), now)) continue;
      claimants.set(key(input), input);
    }
  }
  const claimed = await claimUploads(p.tx, [...claimants.values()].flatMap((i) => i.attachmentIds!.map((upload) => ({ upload, message: i.id, sender: i.senderId, room: i.roomId }))));
  const unclaimed = [...claimants.values()].filter((i) => (claimed.get(i.id)?.length ?? 0) !== i.attachmentIds!.length).map((i) => i.id);
  // A send that got only some of its uploads gives those back: it is refused whole.
  await releaseUploads(p.tx, unclaimed);
  const attachmentsOf = (input: AppendInput) => {
    if (!input.attachmentIds?.length) return null;
    const byId = new Map((claimed.get(input.id) ?? []).map((a) => [a.id, a]));
    return input.attachmentIds.map((id) => byId.get(id)!);
  };

  const results: AppendResult[][] = [];
  // Only new messages are resolved; a retry answers with what was stored the first time.
  const asking = all.filter((i) => i.mentionRequest && !stored.has(key(i)));
  const resolved = await resolveMentions(
    p.tx,
    asking.map((i) => ({ roomId: i.roomId, senderId: i.senderId, recipientId: i.recipientId, request: i.mentionRequest! })),
  );
  const mentionsOf = new Map(asking.map((i, n) => [key(i), resolved[n]!]));
  const fresh: NewMessageRow[] = [];
  for (const { room, inputs } of batches) {
    const out: AppendResult[] = [];
    /** Index in `out` of the input that creates each new message, by idempotency key. */
    const creators = new Map<string, number>();
    let seq = lastSeq.get(room)!;
    for (const input of inputs) {
      const k = key(input);
      const prior = stored.get(k);
      if (prior) {
        out.push({ ok: true, message: prior, created: false });
        continue;
      }
      const creator = creators.get(k);
      if (creator !== undefined) {
        // The same client id twice in one batch: a retry racing its original.
        out.push({ ...(out[creator] as Extract<AppendResult, { ok: true }>), created: false });
        continue;
      }
      // A system line records an event that already committed (its subject may have just left
      // or been removed): the poster's standing does not apply to it.
      const refusal = input.kind === "system" ? null : refusalOf(standing.get(pair(room, input.senderId)), now);
      if (refusal) {
        out.push(refusal);
        continue;
      }
      // A retry of a claimant in the same batch fares as its original did (it was not created).
      if (input.attachmentIds?.length && (claimants.get(k) !== input || unclaimed.includes(input.id))) {
        out.push({ ok: false, reason: "attachments" });
        continue;
      }
      seq += 1;
      const { senderName, mentionRequest: _request, attachmentIds: _attachmentIds, ...row } = input;
      const mentions = mentionsOf.get(k) ?? [];
      const attachments = attachmentsOf(input);
      fresh.push({ ...row, seq, mentions, attachments });
      creators.set(k, out.length);
      out.push({
        ok: true,
        message: { ...row, senderName, senderDisplay: displayOf.get(input.senderId) ?? null, seq, createdAt: new Date(now), editedAt: null, deletedAt: null, preview: null, mentions, attachments },
        created: true,
      });
    }
    lastSeq.set(room, seq);
    results.push(out);
  }
  if (fresh.length === 0) return results;

  // Pipelined with COMMIT: if the insert fails, the update fails with the aborted transaction,
  // COMMIT ends it as a rollback, and the insert's error (the first to arrive) is the one
  // reported.
  const [createdAt] = await Promise.all([
    append.insert(p, fresh),
    append.setLastSeqs(p, new Map([...new Set(fresh.map((m) => m.roomId))].map((id) => [id, lastSeq.get(id)!]))),
    p.commit(),
  ]);
  // The database's clock is the one history is ordered and retained by.
  for (const result of results.flat()) {
    if (result.ok && result.created) result.message.createdAt = createdAt.get(result.message.id) ?? result.message.createdAt;
  }
  return results;
}

/** One room's batch: see appendBatches. */
export async function appendBatch(db: Database, roomId: string, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  const [results] = await appendBatches(db, [{ room: roomId, inputs }]);
  return results!;
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
    excludePrivate,
    excludeBlockedAround,
  }: {
    roomId: string;
    /** null: every message, for server-side fan-out that filters per socket */
    viewerId: string | null;
    before?: number;
    after?: number;
    limit: number;
    /** Retention: nothing older than this is returned, even before the job deletes it. */
    notBefore?: Date;
    /** Leave out private messages (exports, which every reader of the room may download). */
    excludePrivate?: boolean;
    /** Leave out the messages of users this user blocked or who blocked them (the assistant's prompt). */
    excludeBlockedAround?: string;
  },
): Promise<MessageRow[]> {
  const shape: ListShape = {
    viewer: viewerId !== null,
    before: before !== undefined,
    after: after !== undefined,
    notBefore: notBefore !== undefined,
    excludePrivate: excludePrivate === true,
    excludeBlocked: excludeBlockedAround !== undefined,
  };
  const rows = await listStatement(shape).run(connectionOf(db), {
    room: roomId,
    viewer: viewerId,
    before,
    after,
    // As text: a placeholder skips the column's encoder, which would send it so.
    notBefore: notBefore?.toISOString(),
    around: excludeBlockedAround,
    limit,
  });
  return shape.after && !shape.before ? rows : rows.reverse();
}

/** Which of listMessages' options a call uses: each combination is its own statement. */
type ListShape = Record<"viewer" | "before" | "after" | "notBefore" | "excludePrivate" | "excludeBlocked", boolean>;

const listStatements = new Map<string, FixedStatement<MessageRow>>();

/**
 * listMessages' statement for one shape, built on first use (a join's replay, a history page
 * and an export each run the same few again and again): its values are placeholders.
 */
function listStatement(shape: ListShape): FixedStatement<MessageRow> {
  const key = Object.values(shape).map(Number).join("");
  let statement = listStatements.get(key);
  if (statement) return statement;
  const conditions: SQL[] = [eq(messages.roomId, sql.placeholder("room"))];
  if (shape.excludePrivate) conditions.push(isNull(messages.recipientId));
  if (shape.excludeBlocked) {
    const around = sql.placeholder("around");
    conditions.push(
      sql`not exists (select 1 from ${blocks} where (${blocks.blockerId} = ${around} and ${blocks.blockedId} = ${messages.senderId}) or (${blocks.blockedId} = ${around} and ${blocks.blockerId} = ${messages.senderId}))`,
    );
  }
  if (shape.notBefore) conditions.push(sql`${messages.createdAt} >= ${sql.placeholder("notBefore")}::timestamptz`);
  if (shape.viewer) conditions.push(visibleTo(sql.placeholder("viewer"))!);
  if (shape.before) conditions.push(lt(messages.seq, sql.placeholder("before")));
  if (shape.after) conditions.push(gt(messages.seq, sql.placeholder("after")));
  const forwards = shape.after && !shape.before;
  statement = FixedStatement.select(
    new QueryBuilder()
      .select(messageColumns)
      .from(messages)
      .innerJoin(users, eq(users.id, messages.senderId))
      .where(and(...conditions))
      .orderBy(forwards ? asc(messages.seq) : desc(messages.seq))
      .limit(sql.placeholder("limit")),
  );
  listStatements.set(key, statement);
  return statement;
}

/** When set, the change is also journalled for the compliance archive, in the same transaction. */
type Journal = { actorId: string } | null;

export async function updateMessageContent(
  db: Database,
  { id, content, mentions, journal = null }: { id: string; content: string; mentions?: string[]; journal?: Journal },
) {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ roomId: messages.roomId, seq: messages.seq, content: messages.content }).from(messages).where(eq(messages.id, id)).for("update");
    await tx
      .update(messages)
      .set({ content, editedAt: sql`now()`, ...(mentions ? { mentions } : {}) })
      .where(eq(messages.id, id));
    if (journal && before) {
      await tx.insert(messageChanges).values({ roomId: before.roomId, messageId: id, seq: before.seq, kind: "edit", actorId: journal.actorId, content, previousContent: before.content });
    }
  });
  return getMessageById(db, { id });
}

/**
 * Deletes a message's content but keeps its row, so seq stays gap-free and history shows a
 * tombstone. The journal keeps the removed content: the archive may not have seen it yet.
 * `alsoIn` writes what must commit or fail with the deletion (a moderator's audit row).
 */
export async function tombstoneMessage(
  db: Database,
  { id, journal = null, alsoIn }: { id: string; journal?: Journal; alsoIn?: (tx: Executor) => Promise<unknown> },
) {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ roomId: messages.roomId, seq: messages.seq, content: messages.content }).from(messages).where(eq(messages.id, id)).for("update");
    await tx.update(messages).set({ content: "", meta: null, preview: null, attachments: null, deletedAt: sql`now()` }).where(eq(messages.id, id));
    if (journal && before) {
      await tx.insert(messageChanges).values({ roomId: before.roomId, messageId: id, seq: before.seq, kind: "delete", actorId: journal.actorId, content: before.content });
    }
    await alsoIn?.(tx);
  });
  return getMessageById(db, { id });
}

/** Deletes messages older than each room's retention; returns how many went. */
export async function deleteExpiredMessages(db: Executor, { archiveEnabled }: { archiveEnabled: boolean }): Promise<number> {
  const expiring = await db
    .select({ id: rooms.id, days: sql<number>`(${rooms.settings}->>'retention_days')::float8` })
    .from(rooms)
    .where(sql`${rooms.settings} ? 'retention_days' and jsonb_typeof(${rooms.settings}->'retention_days') = 'number'`);
  let deleted = 0;
  for (const room of expiring) {
    const cutoff = new Date(Date.now() - room.days * 86_400_000);
    const conditions = [eq(messages.roomId, room.id), lt(messages.createdAt, cutoff)];
    // With the archive on, only what it has written may go: messages up to the room's cursor,
    // and none with an edit or delete still waiting for it. With it off, messages sent while it
    // was on (up to the owed seq) still wait for the archive, and journalled changes too.
    if (archiveEnabled) {
      conditions.push(sql`${messages.seq} <= coalesce((select ${archiveCursors.lastSeq} from ${archiveCursors} where ${archiveCursors.roomId} = ${room.id}), 0)`);
    } else {
      conditions.push(
        sql`not exists (select 1 from ${archiveCursors} where ${archiveCursors.roomId} = ${room.id}
          and ${messages.seq} > ${archiveCursors.lastSeq} and ${messages.seq} <= coalesce(${archiveCursors.owedSeq}, 0))`,
      );
    }
    conditions.push(sql`not exists (select 1 from ${messageChanges} where ${messageChanges.messageId} = ${messages.id})`);
    const rows = await db
      .delete(messages)
      .where(and(...conditions))
      .returning({ id: messages.id });
    deleted += rows.length;
  }
  return deleted;
}

/** How many messages an export of the room will hold (see listMessages' `excludePrivate`). */
export async function countRoomMessages(db: Executor, { roomId, upToSeq, notBefore }: { roomId: string; upToSeq: number; notBefore?: Date }): Promise<number> {
  const conditions: SQL[] = [eq(messages.roomId, roomId), isNull(messages.recipientId), lte(messages.seq, upToSeq)];
  if (notBefore) conditions.push(gte(messages.createdAt, notBefore));
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(...conditions));
  return row?.n ?? 0;
}
