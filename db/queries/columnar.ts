/**
 * The group commit's statements (see appendBatches in ./messages.ts). Their text does not depend
 * on how many rows they carry: each column travels as one array parameter and `unnest` turns the
 * arrays back into rows. A multi-row VALUES list has one parameter per cell, so every batch size
 * was a new statement for postgres.js to prepare and for the database to parse and plan (256
 * messages: ~3,000 parameters), and drizzle built and postgres.js serialized every cell on the
 * main thread. Since the texts are fixed, each is built once (db/pipeline.ts).
 */
import { eq, sql, type SQL } from "drizzle-orm";
import { QueryBuilder, type PgColumn } from "drizzle-orm/pg-core";
import { FixedStatement, type Pipeline } from "../pipeline";
import { messages, roomMembers, rooms, users } from "../schema";
import type { MessageRow } from "./messages";

/** The array parameter `name` of `type[]`. */
export const arrayOf = (name: string, type: string): SQL => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;

const qb = new QueryBuilder();

/** A message row's own columns (the sender's name is known to the caller). */
export const storedColumns = {
  id: messages.id,
  roomId: messages.roomId,
  seq: messages.seq,
  senderId: messages.senderId,
  recipientId: messages.recipientId,
  kind: messages.kind,
  content: messages.content,
  replyTo: messages.replyTo,
  clientId: messages.clientId,
  meta: messages.meta,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  preview: messages.preview,
  mentions: messages.mentions,
  attachments: messages.attachments,
};

const lockedColumns = { id: rooms.id, lastSeq: rooms.lastSeq };
/** Locks the rooms in id order: appends to a room serialize on its row, across instances. */
const lockRooms = new FixedStatement<{ id: string; lastSeq: number }>(
  qb
    .select(lockedColumns)
    .from(rooms)
    .where(sql`${rooms.id} = any(${arrayOf("rooms", "uuid")})`)
    .orderBy(rooms.id)
    .for("update")
    .getSQL(),
  lockedColumns,
);

const standingColumns = {
  roomId: roomMembers.roomId,
  userId: roomMembers.userId,
  mutedUntil: roomMembers.mutedUntil,
  muteReason: roomMembers.muteReason,
  displayName: users.displayName,
};
export type Standing = { roomId: string; userId: string; mutedUntil: Date | null; muteReason: string | null; displayName: string | null };
/** The senders' memberships of the rooms (absent: not a member), with their display names. */
const readStanding = new FixedStatement<Standing>(
  qb
    .select(standingColumns)
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(sql`${roomMembers.roomId} = any(${arrayOf("rooms", "uuid")}) and ${roomMembers.userId} = any(${arrayOf("senders", "uuid")})`)
    .getSQL(),
  standingColumns,
);

type StoredRow = Omit<MessageRow, "senderName" | "senderDisplay">;
/**
 * Messages already stored under these (room, sender, client id) keys: `(a, b, c) in (select *
 * from unnest($1, $2, $3))`, one text for any number of keys, answered by the idempotency index.
 */
const readExisting = new FixedStatement<StoredRow>(
  qb
    .select(storedColumns)
    .from(messages)
    .where(
      sql`(${messages.roomId}, ${messages.senderId}, ${messages.clientId}) in (select * from unnest(${arrayOf("rooms", "uuid")}, ${arrayOf("senders", "uuid")}, ${arrayOf("clients", "text")}))`,
    )
    .getSQL(),
  storedColumns,
);

/** A new message row as the group commit writes it. */
export type NewMessageRow = {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  recipientId: string | null;
  kind: (typeof messages.$inferInsert)["kind"];
  content: string;
  replyTo: string | null;
  clientId: string;
  meta: Record<string, unknown> | null;
  mentions: string[];
  attachments: (typeof messages.$inferInsert)["attachments"];
};

/**
 * The columns the insert writes, by the row's keys. Typed over every key of NewMessageRow, so a
 * field added to the row fails to compile until it is written here too.
 */
const inserted: { [K in keyof NewMessageRow]-?: PgColumn } = {
  id: messages.id,
  roomId: messages.roomId,
  seq: messages.seq,
  senderId: messages.senderId,
  recipientId: messages.recipientId,
  kind: messages.kind,
  content: messages.content,
  replyTo: messages.replyTo,
  clientId: messages.clientId,
  meta: messages.meta,
  mentions: messages.mentions,
  attachments: messages.attachments,
};
const insertedKeys = Object.keys(inserted) as Array<keyof NewMessageRow>;

/** An element of a Postgres array literal, quoted (so commas, braces and quotes are safe). */
const arrayElement = (v: unknown) => (v === null || v === undefined ? "NULL" : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/**
 * How one column travels: scalars as an array of their own type; json and array columns (whose
 * arrays would not nest) as text, cast back per row.
 */
function carrier(column: PgColumn): { type: string; read: (name: SQL) => SQL; encode: (v: unknown) => unknown } {
  const type = column.getSQLType();
  if (type === "jsonb" || type === "json") {
    return { type: "text", read: (n) => sql`${n}::${sql.raw(type)}`, encode: (v) => (v === null || v === undefined ? null : JSON.stringify(v)) };
  }
  if (type.endsWith("[]")) {
    return {
      type: "text",
      read: (n) => sql`${n}::${sql.raw(type)}`,
      encode: (v) => (v === null || v === undefined ? null : `{${(v as unknown[]).map(arrayElement).join(",")}}`),
    };
  }
  return { type, read: (n) => n, encode: (v) => v };
}
const carriers = insertedKeys.map((k) => carrier(inserted[k]));

const insertRows = (() => {
  const names = insertedKeys.map((_, i) => sql.raw(`c${i}`));
  return new FixedStatement<{ id: string; created_at: string }>(sql`
    insert into ${messages} (${sql.join(
      insertedKeys.map((k) => sql.identifier(inserted[k].name)),
      sql`, `,
    )})
    select ${sql.join(
      carriers.map((c, i) => c.read(names[i]!)),
      sql`, `,
    )}
    from unnest(${sql.join(
      carriers.map((c, i) => arrayOf(`c${i}`, c.type)),
      sql`, `,
    )}) as t(${sql.join(names, sql`, `)})
    returning ${messages.id} as id, ${messages.createdAt} as created_at`);
})();

const updateLastSeqs = new FixedStatement<never>(
  sql`update ${rooms} set last_seq = v.seq from unnest(${arrayOf("rooms", "uuid")}, ${arrayOf("seqs", "bigint")}) as v(id, seq) where ${rooms.id} = v.id`,
);

/** The group commit's statements, run in its pipelined transaction. */
export const append = {
  lock: (p: Pipeline, roomIds: readonly string[]) => p.run(lockRooms, { rooms: roomIds }),
  standing: (p: Pipeline, roomIds: readonly string[], senders: readonly string[]) => p.run(readStanding, { rooms: roomIds, senders }),
  existing: (p: Pipeline, keys: ReadonlyArray<{ roomId: string; senderId: string; clientId: string }>) =>
    p.run(readExisting, { rooms: keys.map((k) => k.roomId), senders: keys.map((k) => k.senderId), clients: keys.map((k) => k.clientId) }),

  /** Inserts the rows in one statement; returns each row's id and the database's created_at. */
  async insert(p: Pipeline, rows: readonly NewMessageRow[]): Promise<Map<string, Date>> {
    const values: Record<string, unknown> = {};
    insertedKeys.forEach((k, i) => (values[`c${i}`] = rows.map((r) => carriers[i]!.encode(r[k]))));
    const result = await p.run(insertRows, values);
    // The driver leaves timestamps as Postgres's text (drizzle maps them per column); read it as
    // drizzle's timestamptz column does.
    return new Map(result.map((r) => [r.id, new Date(r.created_at)]));
  },

  /** Sets each room's last_seq in one statement. */
  async setLastSeqs(p: Pipeline, seqs: ReadonlyMap<string, number>): Promise<void> {
    await p.run(updateLastSeqs, { rooms: [...seqs.keys()], seqs: [...seqs.values()] });
  },
};
