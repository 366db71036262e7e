/**
 * The group commit's access to the database, for when every round trip counts. Two costs of
 * drizzle's ordinary path are paid per transaction there and are avoided here:
 * - a statement's text is built by drizzle's query builder every time it runs (~15 % of the main
 *   thread at light load, measured in docs/performance.md "Fifth pass"); a FixedStatement builds
 *   it once, with placeholders, and maps rows with the columns' own decoders, as drizzle does;
 * - postgres.js's `begin` waits for BEGIN before the first statement and sends COMMIT after the
 *   last one returned: two round trips that carry nothing. On the embedded database, where every
 *   round trip is a hop to its thread and a call into WebAssembly, a pipelined transaction sends
 *   BEGIN together with its first statement and COMMIT together with its last writes (on
 *   Postgres see `pipelined`).
 */
import { Column, fillPlaceholders, is, SQL, type DriverValueDecoder } from "drizzle-orm";
import type { TypedQueryBuilder } from "drizzle-orm/query-builders/query-builder";
import { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js/session";
import type postgres from "postgres";
import type { Database, Executor, Transaction } from "./client";
import { driverOf } from "./driver";

const dialect = new PgDialect();

/** Where a statement runs: the client, a reserved connection or a transaction. */
type Connection = Pick<postgres.Sql, "unsafe">;

/** The postgres.js connection a drizzle executor runs on: the client, or an open transaction's. */
export function connectionOf(db: Executor): Connection {
  return (db._.session as unknown as PostgresJsSession<postgres.Sql, Record<string, never>, never>).client;
}

/** A selected field: a column, or an expression (`sql<T>`, optionally `.as(name)`). */
type Field = Column | SQL | SQL.Aliased;

/** An expression's decoder: set by `sql<T>\`\`.mapWith(...)`, kept internal in drizzle's types. */
const decoderOfSql = (expression: SQL) => (expression as unknown as { decoder: DriverValueDecoder<unknown, unknown> }).decoder;

/** How drizzle decodes a field's value (its mapResultRow, for flat selections). */
function decoderOf(key: string, field: unknown): DriverValueDecoder<unknown, unknown> {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return decoderOfSql(field);
  if (is(field, SQL.Aliased)) return decoderOfSql(field.sql);
  throw new Error(`FixedStatement: field "${key}" is not a column or an expression (nested selections are not supported)`);
}

/** A statement whose text is built once; parameters are `sql.placeholder(name)` values. */
export class FixedStatement<Row> {
  private readonly text: string;
  private readonly params: unknown[];
  private readonly columns: ReadonlyArray<readonly [string, DriverValueDecoder<unknown, unknown>]> | null;

  /** `fields`: the selected fields, in the order the statement returns them, keyed as rows are. */
  constructor(query: SQL, fields?: Record<string, Field>) {
    const built = dialect.sqlToQuery(query);
    this.text = built.sql;
    this.params = built.params;
    this.columns = fields ? Object.entries(fields).map(([key, field]) => [key, decoderOf(key, field)] as const) : null;
  }

  /**
   * A select made with drizzle's QueryBuilder, placeholders for its values: rows are typed and
   * decoded as drizzle's own `select` would return them (flat selections only).
   */
  static select<Q extends TypedQueryBuilder<Record<string, unknown>, unknown[]> & { getSQL(): SQL }>(query: Q): FixedStatement<Q["_"]["result"][number]> {
    return new FixedStatement(query.getSQL(), query._.selectedFields as Record<string, Field>);
  }

  /**
   * Runs as a prepared statement (a single Bind and Execute once postgres.js has prepared it on
   * the connection). Returns the rows decoded by their columns, or the driver's rows when the
   * statement was built without fields.
   */
  async run(client: Connection, values: Record<string, unknown>): Promise<Row[]> {
    const params = fillPlaceholders(this.params, values) as postgres.ParameterOrJSON<never>[];
    const columns = this.columns;
    if (!columns) return (await sent(client.unsafe(this.text, params, { prepare: true }))) as unknown as Row[];
    const rows = await sent(client.unsafe(this.text, params, { prepare: true }).values());
    return rows.map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const [key, column] = columns[i]!;
        const value = values[i];
        row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return row as Row;
    });
  }
}

/**
 * Queues the query on its connection now. postgres.js sends a query when it is first awaited,
 * and `await` reaches a query's `then` only a microtask later than a direct call does: a
 * pipeline whose order depends on that would send COMMIT ahead of writes issued before it
 * (tests/integration/columnar-append.test.ts catches exactly that). Queued at once, statements
 * go out in the order they were issued.
 */
function sent<Q extends { execute(): unknown }>(query: Q): Q {
  query.execute();
  return query;
}

/**
 * BEGIN or COMMIT, queued now, as a promise that is never reported unhandled: they fail
 * together with the statements around them, whose errors are the ones the caller sees.
 */
function control(client: postgres.ReservedSql, command: "begin" | "commit"): Promise<void> {
  const done = sent(client.unsafe(command)).then(() => undefined);
  done.catch(() => {});
  return done;
}

export interface Pipeline {
  /** Runs a fixed statement in this transaction. */
  run<Row>(statement: FixedStatement<Row>, values: Record<string, unknown>): Promise<Row[]>;
  /** The same transaction as a drizzle executor, for statements off the hot path. */
  readonly tx: Transaction;
  /**
   * Sends COMMIT behind the statements already issued, so it travels with them. Call it in the
   * same turn as the last writes, without awaiting them first: if one of them fails, the
   * transaction is aborted and COMMIT ends it as a rollback, and the caller's await of that
   * write rejects. Without a call, the transaction commits after the body returns.
   */
  commit(): Promise<void>;
}

/**
 * Runs `body` in a transaction. On the embedded database, BEGIN is pipelined with the first
 * statement the body issues (in its first turn) and COMMIT with the last writes (see
 * Pipeline.commit); on any error the transaction is rolled back and the error rethrown.
 *
 * On Postgres it is postgres.js's own `begin`: a server can go away mid-transaction, and only
 * `begin` fails the transaction when its connection closes; a reserved connection that closes
 * leaves its queries waiting for ever and goes back to the pool closed (found by the fault suite's
 * Postgres restart: sends that were never answered). The embedded database's one connection is
 * to a backend in this process and ends only with it.
 */
export async function pipelined<T>(db: Database, body: (p: Pipeline) => Promise<T>): Promise<T> {
  if (driverOf(db) === "postgres") {
    return (await db.$client.begin((sql) => body(inTransaction(db, sql, () => Promise.resolve())))) as T;
  }
  const reserved = await db.$client.reserve();
  let commit: Promise<void> | null = null;
  let beginFailed: { error: unknown } | null = null;
  const inner = inTransaction(db, reserved, () => (commit ??= control(reserved, "commit")));
  const pipeline: Pipeline = {
    // BEGIN's answer arrives ahead of the first statement's, so by the time the body issues
    // anything after awaiting that one, a failed BEGIN is known: nothing may then run outside
    // the transaction it assumes.
    run: (statement, values) => (beginFailed ? Promise.reject(beginFailed.error) : inner.run(statement, values)),
    get tx() {
      if (beginFailed) throw beginFailed.error;
      return inner.tx;
    },
    commit: inner.commit,
  };
  const begun = control(reserved, "begin");
  begun.catch((error: unknown) => (beginFailed = { error }));
  try {
    const result = await body(pipeline);
    await begun;
    await pipeline.commit();
    return result;
  } catch (err) {
    // After a failed statement the transaction is aborted (or already ended by a pipelined
    // COMMIT, when this is only a warning).
    await reserved.unsafe("rollback").catch(() => {});
    throw err;
  } finally {
    reserved.release();
  }
}

/** A Pipeline over a connection already inside a transaction. */
function inTransaction(db: Database, client: postgres.ReservedSql | postgres.TransactionSql, commit: () => Promise<void>): Pipeline {
  let tx: Transaction | null = null;
  return {
    run: (statement, values) => statement.run(client, values),
    get tx() {
      if (!tx) {
        const schema = db._.schema ? { fullSchema: db._.fullSchema, schema: db._.schema, tableNamesMap: db._.tableNamesMap } : undefined;
        // drizzle types a transaction's session over postgres.js's TransactionSql only for
        // savepoints (nested transactions), which nothing in this transaction opens.
        const session = new PostgresJsSession(client as postgres.Sql, dialect, schema);
        tx = new PostgresJsTransaction(dialect, session as never, schema) as unknown as Transaction;
      }
      return tx;
    },
    commit,
  };
}
