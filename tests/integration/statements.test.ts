/**
 * drizzle's statements go out prepared (db/statements.ts), which is what lets postgres.js
 * pipeline them instead of waiting for a Describe behind each one. Checked on the embedded
 * database's backend through `pg_prepared_statements`: what the server holds, not what the
 * client meant to send.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { randomUUID } from "node:crypto";
import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { startEmbeddedDatabase } from "@/db/pglite/bridge";
import { insertActivities } from "@/db/queries/activity";
import { writeStreams } from "@/db/queries/ai";
import { listMessages, messageColumns, visibleTo } from "@/db/queries/messages";
import { getRoomById } from "@/db/queries/rooms";
import { activity, messages, rooms, users } from "@/db/schema";
import { DEFAULT_PREPARE_POLICY } from "@/db/statements";

const items = pgTable("test_statements", { id: integer("id").primaryKey(), label: text("label").notNull() });

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-statements-"));
let handle: DatabaseHandle;

/** The statements of this test's table the backend holds prepared. */
async function preparedTexts(): Promise<string[]> {
  const rows = (await handle.db.execute(
    sql`select statement from pg_prepared_statements where statement like '%test_statements%' and statement not like '%pg_prepared_statements%'`,
  )) as unknown as Array<{ statement: string }>;
  return rows.map((r) => r.statement);
}

before(async () => {
  handle = await openDatabase({ dataDir });
  await handle.db.execute(sql`create table test_statements (id integer primary key, label text not null)`);
  await handle.db.insert(items).values(Array.from({ length: 50 }, (_, i) => ({ id: i, label: `item ${i}` })));
});

after(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("statements sent prepared", () => {
  test("a drizzle query with parameters is prepared once and reused with new values", async () => {
    const before = (await preparedTexts()).length;
    for (const id of [1, 2, 3]) {
      const [row] = await handle.db.select({ label: items.label }).from(items).where(eq(items.id, id));
      assert.equal(row?.label, `item ${id}`);
    }
    const after = await preparedTexts();
    assert.equal(after.length, before + 1, `one new statement for three runs: ${after.join(" | ")}`);
    assert.ok(after.some((t) => /"id" = \$1/.test(t) && t.startsWith("select")));
  });

  test("statements in a transaction are prepared too", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.update(items).set({ label: "renamed" }).where(eq(items.id, 7));
    });
    assert.ok((await preparedTexts()).some((t) => t.startsWith("update")));
    const [row] = await handle.db.select({ label: items.label }).from(items).where(eq(items.id, 7));
    assert.equal(row?.label, "renamed");
  });

  test("a list longer than the bound is sent unprepared; a short one is prepared", async () => {
    const long = Array.from({ length: DEFAULT_PREPARE_POLICY.maxParams + 1 }, (_, i) => i);
    const many = await handle.db.select({ id: items.id }).from(items).where(inArray(items.id, long));
    assert.equal(many.length, long.length);
    const few = await handle.db.select({ id: items.id }).from(items).where(inArray(items.id, [4, 5, 6]));
    assert.equal(few.length, 3);
    const texts = (await preparedTexts()).filter((t) => t.includes(" in ("));
    assert.equal(texts.length, 1, texts.join(" | "));
    assert.match(texts[0]!, /in \(\$1, \$2, \$3\)/);
  });

  test("a statement without parameters is not prepared", async () => {
    const before = (await preparedTexts()).length;
    await handle.db.execute(sql`select count(*) from test_statements`);
    assert.equal((await preparedTexts()).length, before);
  });

  test("activity batches of any size are one prepared statement, and store every field", async () => {
    const held = async () =>
      ((await handle.db.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like '%unnest%' and statement like '%"activity"%'`)) as unknown as Array<{
        n: number;
      }>)[0]!.n;
    const at = new Date("2026-03-04T05:06:07.089Z");
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), kind: "connect" as const, userId: i % 2 ? randomUUID() : null, roomId: null, createdAt: at }));
    const written = [...batch(3), ...batch(40), ...batch(200)];
    await insertActivities(handle.db, written.slice(0, 3));
    await insertActivities(handle.db, written.slice(3, 43));
    await insertActivities(handle.db, written.slice(43));
    assert.equal(await held(), 1);
    const stored = await handle.db.select().from(activity).where(eq(activity.createdAt, at)).orderBy(asc(activity.id));
    assert.deepEqual(
      stored,
      [...written].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  test("pipelined statements answer in order, each with its own values", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => i);
    const rows = await Promise.all(ids.map((id) => handle.db.select({ id: items.id }).from(items).where(eq(items.id, id))));
    assert.deepEqual(
      rows.map((r) => r[0]?.id),
      ids,
    );
  });
});

describe("fixed statements", () => {
  test("a history page reads as drizzle's own select does, in every shape, once prepared per shape", async () => {
    const [alice, bob, carol, room] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await handle.db.insert(users).values(
      [alice, bob, carol].map((id, i) => ({ id, username: `fixed${i}-${id.slice(0, 8)}`, passwordHash: "-", ...(i === 1 ? { displayName: "Bob B." } : {}) })),
    );
    await handle.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, carol));
    await handle.db.insert(rooms).values({ id: room, name: `fixed-${room.slice(0, 8)}`, visibility: "public", createdBy: alice, lastSeq: 6, settings: { retention_days: 30 } });
    const old = new Date(Date.now() - 40 * 86_400_000);
    await handle.db.insert(messages).values([
      { id: randomUUID(), roomId: room, seq: 1, senderId: alice, content: "old", clientId: "c1", createdAt: old },
      { id: randomUUID(), roomId: room, seq: 2, senderId: bob, content: "with meta", clientId: "c2", meta: { ttft_ms: 12, nested: { a: [1, 2] } }, mentions: [alice] },
      { id: randomUUID(), roomId: room, seq: 3, senderId: alice, recipientId: bob, content: "private to bob", clientId: "c3" },
      { id: randomUUID(), roomId: room, seq: 4, senderId: carol, content: "from a deleted account", clientId: "c4", editedAt: new Date() },
      { id: randomUUID(), roomId: room, seq: 5, senderId: bob, content: "", clientId: "c5", deletedAt: new Date() },
      { id: randomUUID(), roomId: room, seq: 6, senderId: alice, content: "last", clientId: "c6", attachments: [] },
    ]);
    const expected = (where: ReturnType<typeof and>) =>
      handle.db.select(messageColumns).from(messages).innerJoin(users, eq(users.id, messages.senderId)).where(and(eq(messages.roomId, room), where)).orderBy(asc(messages.seq));
    const cutoff = new Date(Date.now() - 30 * 86_400_000);

    assert.deepEqual(await listMessages(handle.db, { roomId: room, viewerId: null, limit: 10 }), await expected(undefined));
    assert.deepEqual(await listMessages(handle.db, { roomId: room, viewerId: carol, after: 1, limit: 10 }), await expected(and(sql`${messages.seq} > 1`, visibleTo(carol))));
    assert.deepEqual(await listMessages(handle.db, { roomId: room, viewerId: bob, before: 6, limit: 2 }), await expected(and(sql`${messages.seq} in (4, 5)`)));
    assert.deepEqual(
      await listMessages(handle.db, { roomId: room, viewerId: alice, after: 0, before: 7, limit: 10, notBefore: cutoff }),
      await expected(gte(messages.createdAt, cutoff)),
    );
    assert.deepEqual(await listMessages(handle.db, { roomId: room, viewerId: null, excludePrivate: true, after: 0, limit: 10 }), await expected(sql`${messages.recipientId} is null`));
    const held = (await handle.db.execute(
      sql`select count(*)::int as n from pg_prepared_statements where statement like '%"messages"%' and statement like '%"room_id" = $1%' and statement like '%order by "messages"."seq" % limit $%'`,
    )) as unknown as Array<{ n: number }>;
    assert.equal(held[0]!.n, 5, "one statement per shape");

    const [drizzleRoom] = await handle.db.select().from(rooms).where(eq(rooms.id, room));
    assert.deepEqual(await getRoomById(handle.db, { id: room }), drizzleRoom);
  });
});

describe("the assistant's flush", () => {
  test("writes any number of replies' text with one prepared statement, and leaves deleted replies alone", async () => {
    const [bot, room] = [randomUUID(), randomUUID()];
    await handle.db.insert(users).values({ id: bot, username: `flushbot-${bot.slice(0, 8)}`, passwordHash: "-", bot: true });
    await handle.db.insert(rooms).values({ id: room, name: `flush-${room.slice(0, 8)}`, visibility: "public", createdBy: bot, lastSeq: 60 });
    const ids = Array.from({ length: 60 }, () => randomUUID());
    await handle.db.insert(messages).values(
      ids.map((id, i) => ({ id, roomId: room, seq: i + 1, senderId: bot, content: "", clientId: `s${i}`, meta: { streaming: true }, ...(i === 7 ? { deletedAt: new Date() } : {}) })),
    );
    const text = (i: number) => `reply ${i}: "quoted", {braced}, back\\slash, ünïcode`;
    const rows = ids.map((id, i) => ({ id, content: text(i), meta: { streaming: true, stream_index: i, nested: { at: [i] } } }));
    const first = await writeStreams(handle.db, rows.slice(0, 3));
    const rest = await writeStreams(handle.db, rows.slice(3));
    assert.equal(first.size, 3);
    assert.equal(rest.size, 56, "the deleted reply is not written");
    assert.ok(!rest.has(ids[7]!));

    const stored = await handle.db.select({ id: messages.id, content: messages.content, meta: messages.meta, seq: messages.seq }).from(messages).where(eq(messages.roomId, room)).orderBy(asc(messages.seq));
    for (const [i, row] of stored.entries()) {
      if (i === 7) assert.deepEqual([row.content, row.meta], ["", { streaming: true }]);
      else assert.deepEqual([row.content, row.meta], [rows[i]!.content, rows[i]!.meta]);
    }
    const held = (await handle.db.execute(
      sql`select count(*)::int as n from pg_prepared_statements where statement like '%update "messages" set%unnest%'`,
    )) as unknown as Array<{ n: number }>;
    assert.equal(held[0]!.n, 1);
  });
});

describe("the embedded backend's prepared statements", () => {
  test("end with the last connection, as a session's do", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "confab-statements-bridge-"));
    const embedded = await startEmbeddedDatabase(path.join(dir, "pglite"));
    // `socket` is documented by postgres.js but missing from its types (see db/client.ts).
    const connect = () =>
      postgres({ socket: () => embedded.connect(), max: 1, username: "postgres", database: "postgres", onnotice: () => {} } as postgres.Options<
        Record<string, never>
      >);
    const held = async (sql: postgres.Sql) =>
      (await sql`select count(*)::int as n from pg_prepared_statements where statement = 'select $1::int as n'`)[0]!.n as number;
    try {
      const first = connect();
      assert.deepEqual([...(await first.unsafe("select $1::int as n", [7], { prepare: true }))], [{ n: 7 }]);
      assert.equal(await held(first), 1);
      const other = connect();
      assert.equal(await held(other), 1, "one backend: another connection sees it");
      await other.end();
      assert.equal(await held(first), 1, "kept while its own connection is open");
      await first.end();
      const later = connect();
      assert.equal(await held(later), 0);
      await later.end();
    } finally {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
