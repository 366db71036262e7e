/**
 * The embedded database through its worker thread (db/pglite/): the same drizzle behaviour as
 * on Postgres (transactions, prepared statements, jsonb and timestamps, migrations), one
 * opener per data dir, and statements from outside a transaction waiting for it rather than
 * running inside it (PGlite has a single backend session).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { toAppError } from "@/server/errors";

const notes = pgTable("test_notes", {
  id: serial("id").primaryKey(),
  body: text("body").notNull(),
  meta: jsonb("meta").$type<{ tags: string[]; n: number }>(),
  at: timestamp("at", { withTimezone: true }).notNull(),
  n: integer("n").notNull().default(0),
});

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-embedded-"));
let handle: DatabaseHandle;

/** Raw `execute` results are typed per driver; postgres.js (both shapes) returns the rows. */
const rowsOf = <T>(result: unknown) => result as T[];

before(async () => {
  handle = await openDatabase({ dataDir });
  await handle.db.execute(
    sql`create table test_notes (id serial primary key, body text not null, meta jsonb, at timestamptz not null, n integer not null default 0)`,
  );
});

after(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded database (PGlite in a worker thread)", () => {
  test("migrations are applied", async () => {
    const rows = rowsOf<{ n: number }>(
      await handle.db.execute(sql`select count(*)::int as n from information_schema.tables where table_name in ('users', 'rooms', 'messages')`),
    );
    assert.equal(rows[0]?.n, 3);
  });

  test("jsonb and timestamps round-trip", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const [row] = await handle.db.insert(notes).values({ body: "héllo ✓", meta: { tags: ["a", "b"], n: 1.5 }, at }).returning();
    assert.ok(row);
    const [read] = await handle.db.select().from(notes).where(eq(notes.id, row.id));
    assert.deepEqual(read?.meta, { tags: ["a", "b"], n: 1.5 });
    assert.ok(read?.at instanceof Date);
    assert.equal(read.at.toISOString(), at.toISOString());
    assert.equal(read.body, "héllo ✓");
  });

  test("prepared statements run repeatedly with new values", async () => {
    const byBody = handle.db
      .select({ id: notes.id })
      .from(notes)
      .where(eq(notes.body, sql.placeholder("body")))
      .prepare("notes_by_body");
    await handle.db.insert(notes).values([
      { body: "p1", at: new Date() },
      { body: "p2", at: new Date() },
      { body: "p2", at: new Date() },
    ]);
    assert.equal((await byBody.execute({ body: "p1" })).length, 1);
    assert.equal((await byBody.execute({ body: "p2" })).length, 2);
    assert.equal((await byBody.execute({ body: "none" })).length, 0);
  });

  test("a statement issued while a transaction is open waits for it instead of joining it", async () => {
    const order: string[] = [];
    let outside: Promise<number> | undefined;
    await assert.rejects(
      handle.db.transaction(async (tx) => {
        await tx.insert(notes).values({ body: "uncommitted", at: new Date() });
        outside = handle.db.execute(sql`select count(*)::int as n from test_notes where body = 'uncommitted'`).then((rows) => {
          order.push("outside");
          return rowsOf<{ n: number }>(rows)[0]!.n;
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push("rollback");
        throw new Error("roll back");
      }),
      /roll back/,
    );
    // Had it run inside the open transaction's session it would have seen the row.
    assert.equal(await outside, 0);
    assert.deepEqual(order, ["rollback", "outside"]);
  });

  test("concurrent transactions serialize and all commit", async () => {
    const [counter] = await handle.db.insert(notes).values({ body: "counter", at: new Date() }).returning();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        handle.db.transaction(async (tx) => {
          const [row] = await tx.select({ n: notes.n }).from(notes).where(eq(notes.id, counter!.id)).for("update");
          await tx.update(notes).set({ n: row!.n + 1 }).where(eq(notes.id, counter!.id));
        }),
      ),
    );
    const [read] = await handle.db.select({ n: notes.n }).from(notes).where(eq(notes.id, counter!.id));
    assert.equal(read?.n, 50);
  });

  test("a SQL error fails only its statement and is not a storage outage", async () => {
    const err = await handle.db.execute(sql`select * from no_such_table`).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err);
    assert.equal(toAppError(err).error.code, "INTERNAL");
    const rows = rowsOf<{ one: number }>(await handle.db.execute(sql`select 1 as one`));
    assert.equal(rows[0]?.one, 1);
  });

  test("a second opener of the same data dir is refused", async () => {
    await assert.rejects(openDatabase({ dataDir }), /in use by process/);
  });

  test("data survives close and reopen; queries after close are UNAVAILABLE", async () => {
    const before = await handle.db.select().from(notes);
    const closed = handle;
    await closed.close();
    const err = await closed.db.execute(sql`select 1`).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(toAppError(err).error.code, "UNAVAILABLE");
    handle = await openDatabase({ dataDir });
    const afterReopen = await handle.db.select().from(notes);
    assert.deepEqual(afterReopen, before);
  });
});
