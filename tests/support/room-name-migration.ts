/**
 * The room-name migration against old data, shared by the PGlite (tests/integration) and
 * Postgres (tests/distributed) tests: migrate a fresh database to just before the migration
 * that made names unique, store duplicate names the old code accepted, run the rest, and
 * check how the duplicates were renamed and that the indexes now refuse new ones.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const MIGRATIONS = path.resolve(import.meta.dirname, "../../db/migrations");
/** Found by name, not number: migrations are renumbered when branches merge. */
const TAG = "link_previews_room_names";

type Journal = { entries: Array<{ idx: number; tag: string }> };

/** A copy of the migrations folder that stops before the room-name migration; remove it after use. */
export function migrationsBeforeUniqueNames(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "confab-migrations-"));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const file = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(file, "utf8")) as Journal;
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(TAG));
  assert.ok(cut > 0, `migration *${TAG} is in the journal`);
  writeFileSync(file, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return dir;
}

export const removeMigrationsCopy = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Runs one statement with positional parameters ($1…) and returns its rows. */
export type Query = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

export async function checkRoomNameMigration(query: Query, migrate: (folder: string) => Promise<void>): Promise<void> {
  const before = migrationsBeforeUniqueNames();
  try {
    await migrate(before);
  } finally {
    removeMigrationsCopy(before);
  }
  const [u1, u2] = [randomUUID(), randomUUID()];
  for (const [id, name] of [
    [u1, "mig_one"],
    [u2, "mig_two"],
  ]) {
    await query(`insert into users (id, username, password_hash) values ($1, $2, 'x')`, [id, name]);
  }
  const rooms: Record<string, string> = {};
  let minute = 0;
  const room = async (key: string, name: string, visibility: string, createdBy: string | null, dmKey: string | null = null) => {
    rooms[key] = randomUUID();
    minute += 1;
    await query(`insert into rooms (id, name, visibility, created_by, dm_key, created_at) values ($1, $2, $3, $4, $5, timestamptz '2026-01-01 00:00:00+00' + $6 * interval '1 minute')`, [
      rooms[key],
      name,
      visibility,
      createdBy,
      dmKey,
      minute,
    ]);
  };
  // Oldest first. "general (2)" already exists, so the suffix the second "general" gets collides.
  await room("suffixed", "general (2)", "public", u1);
  await room("first", "General", "public", u1);
  await room("second", "general", "public", u2);
  await room("third", "GENERAL", "public", u1);
  await room("otherPublic", "random", "public", u1);
  await room("privateA", "Team", "private", u1);
  await room("privateB", "team", "private", u1);
  await room("privateOther", "team", "private", u2);
  await room("privateGeneral", "general", "private", u1);
  await room("dm1", "mig_one, mig_two", "direct", u1, `${u1}:${u2}`);
  await room("dm2", "mig_one, mig_two", "direct", u2, `${u2}:x`);

  await migrate(MIGRATIONS);

  const names = new Map((await query(`select id, name from rooms where id = any($1::uuid[])`, [Object.values(rooms)])).map((r) => [r.id as string, r.name as string]));
  const nameOf = (key: string) => names.get(rooms[key]!);
  assert.equal(nameOf("suffixed"), "general (2)", "the oldest of a name keeps it");
  assert.equal(nameOf("first"), "General", "the oldest of a name keeps it");
  assert.equal(nameOf("second"), "general (2) (2)", "a suffix that collides is suffixed again");
  assert.equal(nameOf("third"), "GENERAL (3)");
  assert.equal(nameOf("otherPublic"), "random");
  assert.equal(nameOf("privateA"), "Team");
  assert.equal(nameOf("privateB"), "team (2)", "one creator's private duplicates are renamed");
  assert.equal(nameOf("privateOther"), "team", "another creator's private room of that name is left alone");
  assert.equal(nameOf("privateGeneral"), "general", "a private room may share a public room's name");
  assert.equal(nameOf("dm1"), "mig_one, mig_two", "direct rooms are not renamed");
  assert.equal(nameOf("dm2"), "mig_one, mig_two");

  const refused = async (name: string, visibility: string, createdBy: string) => {
    await assert.rejects(
      query(`insert into rooms (id, name, visibility, created_by) values ($1, $2, $3, $4)`, [randomUUID(), name, visibility, createdBy]),
      (err: unknown) => JSON.stringify(err, Object.getOwnPropertyNames(err)).includes("23505") || String(err).includes("duplicate key"),
      `a new ${visibility} "${name}" is refused`,
    );
  };
  await refused("gEnErAl", "public", u2);
  await refused("TEAM", "private", u1);
  await refused("Team", "private", u2);
  await query(`insert into rooms (id, name, visibility, created_by) values ($1, 'TEAM', 'public', $2)`, [randomUUID(), u2]);
}
