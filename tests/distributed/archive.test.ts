/**
 * The compliance archive on real Postgres (run under scripts/with-services.sh): two worker
 * processes compete for the archive job through pg-boss while the web instance takes messages,
 * edits and deletes; the worker that is archiving is killed with SIGKILL mid-run (held there by a
 * lock the test takes on one room's archive cursor, released after the kill). Afterwards
 * every message, edit and delete is in exactly one archive file, the manifest lists exactly
 * the files on disk with matching checksums and counts, files are split by UTC day, and
 * retention (due for half the messages) deleted only what was already archived.
 */
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import postgres from "postgres";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

type Record_ = { type: "message" | "edit" | "delete"; room: string; seq: number; at: string; message?: Message; message_id?: string };
type Entry = { path: string; room: string; day: string; part: number; records: number; bytes: number; sha256: string };

const shared = mkdtempSync(path.join(tmpdir(), "confab-archive-"));
const archive = path.join(shared, "archive");
const env = {
  ...servicesEnv(),
  DATA_DIR: shared,
  ARCHIVE_ENABLED: "1",
  ARCHIVE_INTERVAL_MS: "300",
  // Small batches with a pause between them: a run lasts long enough to be killed in the middle.
  ARCHIVE_BATCH: "15",
  ARCHIVE_BATCH_PAUSE_MS: "60",
  RETENTION_INTERVAL_MS: "300",
  JOB_TIMEOUT_MS: "3000",
  JOB_RETRY_DELAY_MS: "1000",
  LOG_LEVEL: "debug",
};
const sql = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
let web: TestServer;
const workers: TestServer[] = [];

before(async () => {
  web = await startServer({ ...env, CONFAB_ROLE: "web" });
});
after(async () => {
  await Promise.all([web, ...workers].map((s) => s.stop()));
  await sql.end();
  rmSync(shared, { recursive: true, force: true });
});

/**
 * Locks a room's archive cursor row from a transaction of the test's own until `release`, so an
 * archive batch of that room waits. `pid`: the holding backend, for pg_blocking_pids.
 */
async function holdCursor(room: string): Promise<{ pid: number; release: () => Promise<void> }> {
  const conn = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (locked = resolve));
  const done = conn.begin(async (tx) => {
    await tx`select room_id from archive_cursors where room_id = ${room} for update`;
    const [row] = await tx`select pg_backend_pid()::int as pid`;
    locked(row!.pid as number);
    await released;
  });
  return {
    pid: await pid,
    release: async () => {
      release();
      await done;
      await conn.end();
    },
  };
}

const batchesBy = (s: TestServer) => s.logs.filter((l) => l.includes('"msg":"archive: batch written"')).length;

describe("compliance archive across competing workers", () => {
  test("kill -9 the archiving worker mid-run: every message, edit and delete archived exactly once", async () => {
    const owner = await registerUser(web.url, "archivist");
    const socket = await TestSocket.connect(web.wsUrl, owner);
    const rooms = [await createRoom(web.url, owner), await createRoom(web.url, owner, "private"), await createRoom(web.url, owner)];
    const sent = new Map<string, Message[]>();
    for (const room of rooms) {
      await socket.join(room);
      const list: Message[] = [];
      for (let i = 0; i < 60; i++) {
        const ack = await socket.request({ type: "send", id: randomUUID(), room, content: `${room.slice(0, 4)} #${i}` });
        assert.equal(ack.type, "ack");
        list.push((ack as Extract<typeof ack, { type: "ack" }>).message);
      }
      sent.set(room, list);
    }
    // The first room's first half was written "yesterday" and "two days ago", so it spans three
    // archive days, and is past a half-day retention: only archiving lets retention delete it.
    const [first] = rooms as [string, string, string];
    await sql`update messages set created_at = now() - interval '2 days' where room_id = ${first} and seq <= 15`;
    await sql`update messages set created_at = now() - interval '1 day' where room_id = ${first} and seq > 15 and seq <= 30`;
    assert.equal((await api(web.url, "PATCH", `/api/rooms/${first}`, { token: owner.token, body: { retention_days: 0.5 } })).status, 200);
    // Edits and deletes, including of messages retention would otherwise delete first.
    const changed: Array<{ room: string; id: string; kind: "edit" | "delete" }> = [];
    for (const room of rooms) {
      const list = sent.get(room)!;
      for (const i of [2, 20, 40]) {
        assert.equal((await socket.request({ type: "edit", room, message: list[i]!.id, content: `edited ${i}` })).type, "ack");
        changed.push({ room, id: list[i]!.id, kind: "edit" });
      }
      for (const i of [3, 21, 41]) {
        assert.equal((await socket.request({ type: "delete", room, message: list[i]!.id })).type, "ack");
        changed.push({ room, id: list[i]!.id, kind: "delete" });
      }
    }
    // What a batch that died before its commit leaves: a part nobody recorded. It must not survive.
    const stray = path.join(archive, first, "2000-01-01", "000001.jsonl.gz");
    mkdirSync(path.dirname(stray), { recursive: true });
    writeFileSync(stray, "not a real part");

    // The test holds one room's archive cursor row (what each batch locks), so whichever worker
    // runs the archive blocks on that room mid-run, however fast or slow the machine: the kill
    // below lands before the archive caught up by construction, not by timing. Each worker
    // names its database connections (PGAPPNAME), so the blocked one is the one to kill.
    const held = rooms[1]!;
    await sql`insert into archive_cursors (room_id) values (${held}) on conflict do nothing`;
    const hold = await holdCursor(held);
    const workerEnv = { ...env, CONFAB_ROLE: "worker" };
    workers.push(await startServer({ ...workerEnv, PGAPPNAME: "archive-worker-0" }), await startServer({ ...workerEnv, PGAPPNAME: "archive-worker-1" }));
    let blocked: string | undefined;
    await waitFor(
      async () => {
        const rows = await sql`select application_name from pg_stat_activity where ${hold.pid}::int = any(pg_blocking_pids(pid)) and application_name like 'archive-worker-%'`;
        blocked = rows[0]?.application_name as string | undefined;
        return blocked !== undefined;
      },
      { timeoutMs: 30_000, what: "a worker's archive run to reach the held room" },
    );
    const victim = workers[Number(blocked!.slice("archive-worker-".length))]!;
    const survivor = workers.find((w) => w !== victim)!;
    victim.process.kill("SIGKILL");
    await victim.stop();
    const pending = await sql`select count(*)::int as n from rooms r left join archive_cursors c on c.room_id = r.id where r.id in ${sql(rooms)} and r.last_seq > coalesce(c.last_seq, 0)`;
    assert.ok(pending[0]!.n > 0, "the kill landed before the archive caught up");
    await hold.release();

    // More traffic while the survivor takes over.
    const late: Message[] = [];
    for (let i = 0; i < 10; i++) {
      const ack = await socket.request({ type: "send", id: randomUUID(), room: rooms[2], content: `late ${i}` });
      late.push((ack as Extract<typeof ack, { type: "ack" }>).message);
    }
    await socket.close();

    const caughtUp = async () => {
      const behind = await sql`select count(*)::int as n from rooms r left join archive_cursors c on c.room_id = r.id where r.id in ${sql(rooms)} and r.last_seq > coalesce(c.last_seq, 0)`;
      const waiting = await sql`select count(*)::int as n from message_changes where room_id in ${sql(rooms)}`;
      return behind[0]!.n === 0 && waiting[0]!.n === 0;
    };
    await waitFor(caughtUp, { timeoutMs: 60_000, what: "the surviving worker to archive everything" });
    assert.ok(batchesBy(survivor) > 0, "the other worker took over");
    // The manifest is rewritten at the end of each run; wait for one that lists every recorded file.
    const recorded = async () => (await sql`select path, sha256, records from archive_files where room_id in ${sql(rooms)}`) as unknown as Array<{ path: string; sha256: string; records: number }>;
    const manifest = () =>
      existsSync(path.join(archive, "manifest.jsonl"))
        ? readFileSync(path.join(archive, "manifest.jsonl"), "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Entry)
        : [];
    await waitFor(async () => {
      const paths = new Set(manifest().map((e) => e.path));
      return (await recorded()).every((r) => paths.has(r.path));
    }, { timeoutMs: 10_000, what: "the manifest to list every recorded file" });

    const ours = manifest().filter((e) => rooms.includes(e.room));
    const table = await recorded();
    assert.equal(ours.length, table.length, "the manifest lists each recorded file once");
    assert.equal(new Set(ours.map((e) => e.path)).size, ours.length);

    // The files on disk are exactly the manifest's, each matching its checksum and count.
    const onDisk = rooms.flatMap((room) =>
      existsSync(path.join(archive, room)) ? readdirSync(path.join(archive, room)).flatMap((day) => readdirSync(path.join(archive, room, day)).map((f) => `${room}/${day}/${f}`)) : [],
    );
    assert.deepEqual(onDisk.sort(), ours.map((e) => e.path).sort(), "no stray or temporary files");
    assert.ok(!existsSync(stray), "the unrecorded part was removed");
    const records: Record_[] = [];
    for (const entry of ours) {
      assert.match(entry.path, /^[0-9a-f-]{36}\/\d{4}-\d{2}-\d{2}\/\d{6}\.jsonl\.gz$/);
      const gz = readFileSync(path.join(archive, entry.path));
      assert.equal(createHash("sha256").update(gz).digest("hex"), entry.sha256, `${entry.path} checksum`);
      assert.equal(gz.length, entry.bytes);
      const lines = gunzipSync(gz).toString("utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record_);
      assert.equal(lines.length, entry.records, `${entry.path} record count`);
      for (const r of lines) {
        assert.equal(r.room, entry.room);
        assert.equal(r.at.slice(0, 10), entry.day, "a record is filed under its UTC day");
      }
      records.push(...lines);
    }

    // The rooms' system lines (members joining) are archived too; the check is about what was sent.
    const messages = records.filter((r) => r.type === "message" && r.message!.kind !== "system");
    const expected = [...[...sent.values()].flat(), ...late];
    for (const m of expected) {
      assert.equal(messages.filter((r) => r.message!.id === m.id).length, 1, `message ${m.seq} of ${m.room} archived exactly once`);
    }
    assert.equal(messages.length, expected.length, "nothing else, nothing twice");
    for (const c of changed) {
      assert.equal(records.filter((r) => r.type === c.kind && r.message_id === c.id).length, 1, `${c.kind} of ${c.id} archived exactly once`);
    }
    const deletedContent = records.find((r) => r.type === "delete" && r.message_id === changed.find((c) => c.kind === "delete")!.id) as { content?: string };
    assert.match(deletedContent.content ?? "", /#3$/, "a delete keeps the content it removed");
    assert.equal(new Set(ours.filter((e) => e.room === first).map((e) => e.day)).size, 3, "the first room spans three days");

    // Retention ran all along; with the archive on it deleted only archived messages, and it
    // does delete them once archived.
    await waitFor(async () => (await sql`select count(*)::int as n from messages where room_id = ${first} and seq <= 30`)[0]!.n === 0, {
      timeoutMs: 10_000,
      what: "retention to delete the archived expired messages",
    });
  });
});
