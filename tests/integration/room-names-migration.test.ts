/**
 * The room-name migration on PGlite (the embedded engine), run in this process on an
 * in-memory database: old duplicate names are renamed deterministically and the new unique
 * indexes hold afterwards. tests/distributed/room-names-migration.test.ts runs the same check
 * on Postgres.
 */
import { test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { checkRoomNameMigration } from "../support/room-name-migration";

test("duplicate room names in old data are renamed and new duplicates refused (PGlite)", async () => {
  const client = new PGlite();
  try {
    const db = drizzle({ client });
    await checkRoomNameMigration(
      async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
      (folder) => migrate(db, { migrationsFolder: folder }),
    );
  } finally {
    await client.close();
  }
});
