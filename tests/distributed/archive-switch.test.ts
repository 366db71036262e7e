/**
 * The compliance archive switch across two instances on real Postgres + Redis (run under
 * scripts/with-services.sh): a flip made on one instance reaches the other through the bus at
 * once, although each caches the switch for a minute here; edits made on the other instance are
 * journalled (and archived) exactly while the archive is on.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import postgres from "postgres";
import type { Message } from "@/protocol";
import { api, createRoom, sleep, TestSocket, uniqueName, waitFor, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const shared = mkdtempSync(path.join(tmpdir(), "confab-archive-switch-"));
const ADMIN = uniqueName("switcher");
const env = {
  ...servicesEnv(),
  DATA_DIR: shared,
  SITE_ADMINS: ADMIN,
  ARCHIVE_INTERVAL_MS: "300",
  // Long enough that only the bus can explain an instance seeing a flip within the test.
  ARCHIVE_SWITCH_CACHE_MS: "60000",
  // The suite shares pg-boss: a singleton archive job orphaned when these instances stop must
  // expire quickly, not block the next file's workers for the default 15 minutes.
  JOB_TIMEOUT_MS: "3000",
  JOB_RETRY_DELAY_MS: "1000",
};
const sql = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
let a: TestServer;
let b: TestServer;

before(async () => {
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
});
after(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()]);
  // The suite shares one database: leave the switch to ARCHIVE_ENABLED for the files after this one.
  await sql`delete from site_settings where key in ('archive', 'archive_run')`;
  await sql.end();
  rmSync(shared, { recursive: true, force: true });
});

type EditRecord = { type: string; message_id?: string; content?: string };

function archivedEdits(room: string): EditRecord[] {
  const manifest = path.join(shared, "archive", "manifest.jsonl");
  if (!existsSync(manifest)) return [];
  return readFileSync(manifest, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { path: string; room: string })
    .filter((e) => e.room === room)
    .flatMap((e) =>
      gunzipSync(readFileSync(path.join(shared, "archive", e.path)))
        .toString()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as EditRecord),
    )
    .filter((r) => r.type === "edit");
}

describe("archive switch across instances", () => {
  test("a flip on one instance changes journalling on the other at once", async () => {
    const password = "correct horse battery";
    const reg = await api<{ id: string }>(a.url, "POST", "/api/register", { body: { username: ADMIN, password } });
    assert.equal(reg.status, 201);
    const tok = await api<{ token: string }>(a.url, "POST", "/api/token", { body: { username: ADMIN, password } });
    const admin: TestUser = { id: reg.body.id, username: ADMIN, password, token: tok.body.token };
    const room = await createRoom(a.url, admin);
    const socket = await TestSocket.connect(b.wsUrl, admin);
    await socket.join(room);
    const messages: Message[] = [];
    for (const content of ["one", "two", "three"]) {
      const ack = await socket.request({ type: "send", room, content });
      messages.push((ack as Extract<typeof ack, { type: "ack" }>).message);
    }
    const [one, two, three] = messages as [Message, Message, Message];
    const edit = async (message: Message, content: string) => assert.equal((await socket.request({ type: "edit", room, message: message.id, content })).type, "ack");
    const journalled = async (message: Message) => (await sql<Array<{ n: number }>>`select count(*)::int as n from message_changes where message_id = ${message.id}`)[0]!.n;

    // B reads the switch (off) and caches it for a minute.
    await edit(one, "one, edited while off");
    assert.equal(await journalled(one), 0);

    assert.equal((await api(a.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: true } })).status, 200);
    await sleep(300);
    await edit(two, "two, edited while on");
    await waitFor(() => archivedEdits(room).some((r) => r.message_id === two.id), { timeoutMs: 10_000, what: "B's edit journalled and archived" });

    assert.equal((await api(a.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: false } })).status, 200);
    await sleep(300);
    await edit(three, "three, edited while off");
    assert.equal(await journalled(three), 0, "B stopped journalling when A turned the archive off");
    // Several archive intervals later, only the edit made while it was on is in the archive.
    await sleep(1_500);
    assert.deepEqual(
      archivedEdits(room).map((r) => r.message_id),
      [two.id],
    );
    const status = (await api<{ enabled: boolean; source: string }>(b.url, "GET", "/api/admin/archive", { token: admin.token })).body;
    assert.deepEqual(status, { ...status, enabled: false, source: "setting" });
    await socket.close();
  });
});
