/**
 * Opens the database once per process: PGlite in DATA_DIR by default (in a worker thread,
 * see db/pglite/), Postgres when DATABASE_URL is set. Both are driven by postgres.js and
 * exposed as the same drizzle type, so no query knows which one it runs on. Migrations are
 * applied before the server accepts traffic.
 */
import path from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type postgres from "postgres";
import * as schema from "./schema";
import { markDriver, type Driver } from "./driver";
import { DEFAULT_PREPARE_POLICY, preparingClient } from "./statements";

export type Schema = typeof schema;
/** `$client`: the postgres.js client under both shapes (db/pipeline.ts runs on it directly). */
export type Database = PgDatabase<PgQueryResultHKT, Schema> & { $client: postgres.Sql };
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: queries accept both. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: Driver;
  close(): Promise<void>;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Arbitrary constant: the advisory lock that keeps concurrent instances from migrating at once. */
const MIGRATION_LOCK_ID = 7_302_115;

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Postgres connections per process (the embedded database serves one at a time). */
  poolMax?: number;
  /** Bound on connecting and on each statement, so an outage fails fast instead of hanging. */
  queryTimeoutMs?: number;
  /** Postgres connections idle this long are closed. */
  idleTimeoutS?: number;
  /** false: no statement goes out prepared (Postgres shape only; see DATABASE_PREPARE). */
  prepare?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  const timeoutMs = opts.queryTimeoutMs ?? 5_000;
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolMax ?? 10, timeoutMs, opts.idleTimeoutS ?? 60, opts.prepare ?? true);
  return openPglite(path.join(opts.dataDir, "pglite"), timeoutMs);
}

/** Settings shared by both shapes; the timeouts are in seconds, as postgres.js wants them. */
const clientOptions = (timeoutMs: number) => ({
  onnotice: () => {},
  connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
});

/**
 * PGlite runs in a worker thread (db/pglite/bridge.ts) and is reached over the wire
 * protocol, so this is the same postgres.js + drizzle pair as the Postgres shape. One
 * connection: PGlite has one backend, and postgres.js queues every query behind an open
 * transaction on it instead of interleaving.
 */
async function openPglite(dir: string, timeoutMs: number): Promise<DatabaseHandle> {
  const { startEmbeddedDatabase } = await import("./pglite/bridge");
  const { default: postgresJs } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const embedded = await startEmbeddedDatabase(dir);
  // `socket` (a factory of duplex streams) is documented in postgres.js's README but missing
  // from its type definitions.
  const options: postgres.Options<Record<string, never>> & { socket: () => Duplex } = {
    ...clientOptions(timeoutMs),
    socket: () => embedded.connect(),
    ssl: false,
    max: 1,
    username: "postgres",
    database: "postgres",
  };
  const client = preparingClient(postgresJs(options));
  try {
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder });
    const close = async () => {
      await client.end({ timeout: 5 });
      await embedded.close();
    };
    markDriver(db, "pglite");
    return { db: db as unknown as Database, driver: "pglite", close };
  } catch (err) {
    await client.end({ timeout: 1 });
    await embedded.close();
    throw err;
  }
}

async function openPostgres(url: string, poolMax: number, timeoutMs: number, idleTimeoutS: number, prepare: boolean): Promise<DatabaseHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");

  // Migrate on a single dedicated connection holding a session advisory lock, so N instances
  // starting together apply each migration exactly once.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzle({ client: migrator }), { migrationsFolder });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await migrator.end();
  }

  const client = preparingClient(
    postgres(url, {
      ...clientOptions(timeoutMs),
      max: poolMax,
      prepare,
      // Idle connections are dropped so a restarted server is not first met through dead sockets.
      idle_timeout: idleTimeoutS,
      // Server-side bound on every statement (including lock waits such as a busy room row).
      connection: { statement_timeout: timeoutMs },
    }),
    prepare ? DEFAULT_PREPARE_POLICY : null,
  );
  const db = drizzle({ client, schema });
  markDriver(db, "postgres");
  return { db: db as unknown as Database, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}
