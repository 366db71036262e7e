/**
 * Statements of the group commit whose text does not depend on how many rows they carry: each
 * column travels as one array parameter and `unnest` turns the arrays back into rows. A
 * multi-row VALUES list has one parameter per cell, so every batch size was a new statement
 * for postgres.js to prepare and for the database to parse and plan (256 messages: ~3,000
 * parameters), and drizzle built and postgres.js serialized every cell on the main thread.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect, type PgColumn } from "drizzle-orm/pg-core";
import type { Executor, Transaction } from "../client";
import { messages, rooms } from "../schema";

const dialect = new PgDialect();

/**
 * Runs a raw statement as a prepared one. drizzle asks postgres.js to prepare only queries
 * given a name, and an unprepared query with parameters costs two round trips (Parse and
 * Describe, then Bind and Execute) plus a parse and plan every time; a prepared one is a
 * single Bind and Execute. Only for statements whose text is fixed (array parameters), since
 * postgres.js keeps every prepared text for the life of the connection.
 */
export function executePrepared(db: Executor, name: string, query: SQL): Promise<unknown> {
  return db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute();
}

/** One array parameter of `type[]`. */
export const arrayParam = (values: readonly unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/**
 * Rows of `keys` matching `(columns)`: `(a, b) in (select * from unnest($1, $2))`, one
 * statement text for any number of keys.
 */
export function tuplesIn(columns: readonly PgColumn[], keys: ReadonlyArray<readonly unknown[]>): SQL {
  const arrays = columns.map((column, i) =>
    arrayParam(
      keys.map((k) => k[i]),
      column.getSQLType(),
    ),
  );
  return sql`(${sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  )}) in (select * from unnest(${sql.join(arrays, sql`, `)}))`;
}

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

/** An element of a Postgres array literal, quoted (so commas, braces and quotes are safe). */
const arrayElement = (v: unknown) => (v === null || v === undefined ? "NULL" : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/**
 * One column's values as an array parameter, with the expression that reads an element back:
 * scalars travel as their own array type; json and array columns (whose arrays would not nest)
 * travel as text and are cast per row.
 */
function columnParam(column: PgColumn, values: unknown[]): { param: SQL; read: (name: SQL) => SQL } {
  const type = column.getSQLType();
  if (type === "jsonb" || type === "json") {
    return { param: arrayParam(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v))), "text"), read: (n) => sql`${n}::${sql.raw(type)}` };
  }
  if (type.endsWith("[]")) {
    const literal = (v: unknown) => (v === null || v === undefined ? null : `{${(v as unknown[]).map(arrayElement).join(",")}}`);
    return { param: arrayParam(values.map(literal), "text"), read: (n) => sql`${n}::${sql.raw(type)}` };
  }
  return { param: arrayParam(values, type), read: (n) => n };
}

/** Inserts the rows in one statement; returns each row's id and the database's created_at. */
export async function insertMessageRows(tx: Transaction, rows: readonly NewMessageRow[]): Promise<Map<string, Date>> {
  const keys = Object.keys(inserted) as Array<keyof NewMessageRow>;
  const names = keys.map((_, i) => sql.raw(`c${i}`));
  const params = keys.map((k) =>
    columnParam(
      inserted[k],
      rows.map((r) => r[k]),
    ),
  );
  // Both storage shapes run postgres.js, whose result is an array of rows keyed by column name.
  const result = (await executePrepared(
    tx,
    "append_insert",
    sql`
    insert into ${messages} (${sql.join(
      keys.map((k) => sql.identifier(inserted[k].name)),
      sql`, `,
    )})
    select ${sql.join(
      params.map((p, i) => p.read(names[i]!)),
      sql`, `,
    )}
    from unnest(${sql.join(
      params.map((p) => p.param),
      sql`, `,
    )}) as t(${sql.join(names, sql`, `)})
    returning ${messages.id} as id, ${messages.createdAt} as created_at`,
  )) as ReadonlyArray<{ id: string; created_at: string }>;
  // The driver leaves timestamps as Postgres's text (drizzle maps them per column); read it as
  // drizzle's timestamptz column does.
  return new Map(result.map((r) => [r.id, new Date(r.created_at)]));
}

/** Sets each room's last_seq in one statement. */
export async function setLastSeqs(tx: Transaction, seqs: ReadonlyMap<string, number>): Promise<void> {
  const ids = [...seqs.keys()];
  await executePrepared(
    tx,
    "append_last_seq",
    sql`update ${rooms} set last_seq = v.seq from unnest(${arrayParam(ids, "uuid")}, ${arrayParam(
      ids.map((id) => seqs.get(id)!),
      "bigint",
    )}) as v(id, seq) where ${rooms.id} = v.id`,
  );
}
