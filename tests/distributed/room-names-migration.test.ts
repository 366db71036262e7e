/**
 * The room-name migration on real Postgres (scripts/with-services.sh), in a database of its
 * own: old duplicate names are renamed deterministically and the unique indexes hold after.
 * tests/integration/room-names-migration.test.ts runs the same check on PGlite.
 */
import { test } from "node:test";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { checkRoomNameMigration } from "../support/room-name-migration";
import { servicesEnv } from "../support/server";

test("duplicate room names in old data are renamed and new duplicates refused (Postgres)", async () => {
  const { DATABASE_URL } = servicesEnv();
  const name = `confab_room_names_${Date.now().toString(36)}`;
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const client = postgres(url.href, { max: 1, onnotice: () => {} });
  try {
    await checkRoomNameMigration(
      async (text, params) => [...(await client.unsafe(text, (params ?? []) as never[]))] as Array<Record<string, unknown>>,
      (folder) => migrate(drizzle({ client }), { migrationsFolder: folder }),
    );
  } finally {
    await client.end();
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.end();
  }
});
