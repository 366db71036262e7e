/**
 * The group commit's statements carry each column as one array parameter (db/queries/columnar.ts):
 * against the real embedded database, awkward values come back exactly as sent, a retry in a
 * later batch returns the stored message, seqs stay gap-free, and batches of any size reuse
 * the same prepared statements instead of preparing one per size.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { append as statements } from "@/db/queries/columnar";
import { pipelined } from "@/db/pipeline";
import { appendBatches, getMessageById, listMessages, type AppendInput } from "@/db/queries/messages";

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-columnar-"));
let handle: DatabaseHandle;
const room = randomUUID();
const alice = { id: randomUUID(), name: `alice-${room.slice(0, 6)}` };
const bob = { id: randomUUID(), name: `bob-${room.slice(0, 6)}` };

before(async () => {
  // DATABASE_URL runs the same checks on Postgres (scripts/with-services.sh provides one).
  handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir, queryTimeoutMs: 60_000, poolMax: 1 });
  const { db } = handle;
  for (const u of [alice, bob]) await db.execute(sql`insert into users (id, username, password_hash) values (${u.id}, ${u.name}, 'x')`);
  await db.execute(sql`insert into rooms (id, name, visibility) values (${room}, ${`columnar-${room.slice(0, 6)}`}, 'public')`);
  for (const u of [alice, bob]) await db.execute(sql`insert into room_members (room_id, user_id, role) values (${room}, ${u.id}, 'member')`);
});
after(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const input = (content: string, extra: Partial<AppendInput> = {}): AppendInput => ({
  id: randomUUID(),
  roomId: room,
  senderId: alice.id,
  senderName: alice.name,
  recipientId: null,
  kind: "text",
  content,
  replyTo: null,
  clientId: randomUUID(),
  meta: null,
  ...extra,
});

const append = (inputs: AppendInput[]) => appendBatches(handle.db, [{ room, inputs }]);

/** Texts of the prepared statements of the single embedded connection (postgres.js names and keeps them). */
const preparedTexts = async () => {
  const rows = (await handle.db.execute(sql`select statement from pg_prepared_statements`)) as unknown as Array<{ statement: string }>;
  return rows.map((r) => r.statement.trim());
};

describe("columnar group commit", () => {
  test("awkward content, meta, recipients, replies and mentions come back exactly as sent", async () => {
    const awkward = [
      input(`quotes " ' and a backslash \\ and braces {a,b} and NULL and "NULL"`, { meta: { nested: { q: `"x"`, list: [1, "two", null] }, emoji: "🙂" } }),
      input("private, with a comma", { recipientId: bob.id }),
      input("", { kind: "system", meta: { event: "joined" } }),
      input(`@${bob.name} hello`, { mentionRequest: { names: [bob.name], here: [], room: false } }),
    ];
    const [results] = await append(awkward);
    const seqs: number[] = [];
    for (const [i, result] of results!.entries()) {
      assert.ok(result.ok, `input ${i} stored`);
      assert.equal(result.created, true);
      assert.ok(result.message.createdAt instanceof Date && !Number.isNaN(result.message.createdAt.getTime()));
      seqs.push(result.message.seq);
      const stored = await getMessageById(handle.db, { id: awkward[i]!.id });
      assert.ok(stored);
      assert.equal(stored.content, awkward[i]!.content);
      assert.deepEqual(stored.meta, awkward[i]!.meta);
      assert.equal(stored.recipientId, awkward[i]!.recipientId);
      assert.equal(stored.kind, awkward[i]!.kind);
      assert.equal(stored.clientId, awkward[i]!.clientId);
      assert.equal(stored.createdAt.getTime(), result.message.createdAt.getTime());
      assert.deepEqual(stored.mentions, result.message.mentions);
    }
    assert.deepEqual(seqs, [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2, seqs[0]! + 3]);
    assert.deepEqual(results![3]!.ok && results![3]!.message.mentions, [bob.id]);

    const reply = input("a reply", { replyTo: awkward[0]!.id });
    await append([reply]);
    assert.equal((await getMessageById(handle.db, { id: reply.id }))?.replyTo, awkward[0]!.id);
  });

  test("array and json columns round-trip: mentions, attachments with quotes and braces", async () => {
    const [first] = await append([input("carrier")]);
    assert.ok(first![0]!.ok);
    const id = randomUUID();
    const attachments = [{ id: randomUUID(), name: `a "quoted", {braced} \\ name.png`, size: 3, mime: "image/png", url: "/x" }];
    await pipelined(handle.db, async (p) => {
      const seq = first![0]!.ok ? first![0]!.message.seq + 1000 : 0;
      await statements.insert(p, [
        { id, roomId: room, seq, senderId: alice.id, recipientId: null, kind: "file", content: "", replyTo: null, clientId: randomUUID(), meta: null, mentions: [alice.id, bob.id], attachments },
      ]);
    });
    const stored = await getMessageById(handle.db, { id });
    assert.deepEqual(stored?.mentions, [alice.id, bob.id]);
    assert.deepEqual(stored?.attachments, attachments);
    await handle.db.execute(sql`delete from messages where id = ${id}`);
  });

  test("a retry in a later batch returns the stored message; seqs stay gap-free across batch sizes", async () => {
    const before = await listMessages(handle.db, { roomId: room, viewerId: null, limit: 1 });
    const start = before.at(-1)?.seq ?? 0;
    const batches = [1, 3, 17, 2, 64].map((n) => Array.from({ length: n }, (_, i) => input(`m${n}-${i}`)));
    const statementsBefore = await preparedTexts();
    for (const batch of batches) await append(batch);
    const statements = await preparedTexts();
    // One prepared insert and one seq update serve every batch size; a VALUES list would need one per size.
    assert.equal(statements.filter((s) => s.startsWith(`insert into "messages"`)).length, 1);
    assert.equal(statements.filter((s) => s.startsWith(`update "rooms" set last_seq`)).length, 1);
    assert.equal(statements.length, statementsBefore.length, "batches of 5 sizes prepared no new statement");

    const original = batches[2]![5]!;
    const [retried] = await append([input("first time in this batch"), { ...original, id: randomUUID(), content: "changed on retry" }]);
    const replay = retried![1]!;
    assert.ok(replay.ok);
    assert.equal(replay.created, false);
    assert.equal(replay.message.id, original.id);
    assert.equal(replay.message.content, original.content);

    const all = await listMessages(handle.db, { roomId: room, viewerId: null, after: start, limit: 500 });
    assert.deepEqual(
      all.map((m) => m.seq),
      Array.from({ length: 1 + 3 + 17 + 2 + 64 + 1 }, (_, i) => start + 1 + i),
    );
  });

  test("a batch whose insert fails leaves nothing behind: no seq taken, the connection clean for the next", async () => {
    const [first] = await append([input("before the failure")]);
    assert.ok(first![0]!.ok);
    const lastSeq = async () => {
      const rows = (await handle.db.execute(sql`select last_seq from rooms where id = ${room}`)) as unknown as Array<{ last_seq: string | number }>;
      return Number(rows[0]!.last_seq);
    };
    const seqBefore = await lastSeq();
    // A new client id whose message id is already taken: the insert (sent with COMMIT) fails.
    const clash = input("same id as an earlier message", { id: first![0]!.ok ? first![0]!.message.id : "" });
    await assert.rejects(append([input("stored with the clash"), clash]), /duplicate key|unique/i);
    assert.equal(await lastSeq(), seqBefore, "the seq bump went with the rollback");
    const stray = (await handle.db.execute(sql`select count(*)::int as n from messages where content = 'stored with the clash'`)) as unknown as Array<{ n: number }>;
    assert.equal(stray[0]!.n, 0);
    // The connection came back out of the transaction: the next batch commits with the next seq.
    const [after] = await append([input("after the failure")]);
    assert.ok(after![0]!.ok);
    assert.equal(after![0]!.message.seq, seqBefore + 1);
    const [status] = (await handle.db.execute(sql`select now() = statement_timestamp() as outside`)) as unknown as Array<{ outside: boolean }>;
    assert.equal(status!.outside, true, "no transaction left open on the connection");
  });
});
