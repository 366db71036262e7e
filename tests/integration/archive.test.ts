/**
 * The compliance archive on the embedded database (in-process jobs): while the archive is on,
 * retention keeps expired messages the archive has not written; once it has, they go, and the
 * archive holds every message, edit (with the content before) and delete (with the content
 * removed) once, in gzipped JSON lines listed in the manifest with their checksums.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor } from "../support/client";
import { startServer } from "../support/server";

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-archive-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

type Entry = { path: string; room: string; records: number; sha256: string };
type ArchiveRecord = { type: string; seq: number; message?: Message; message_id?: string; content?: string; previous_content?: string | null };

describe("compliance archive (embedded)", () => {
  test("retention waits for the archive; the archive holds every message, edit and delete once", async () => {
    const env = { ARCHIVE_ENABLED: "1", RETENTION_INTERVAL_MS: "200" };
    // First the archive is on but never gets to run: retention must leave everything alone.
    const first = await startServer({ ...env, ARCHIVE_INTERVAL_MS: "3600000" }, { keepDataDir: dataDir });
    const admin = await registerUser(first.url, "admin"); // the first user: a site admin, who may read activity
    const room = await createRoom(first.url, admin);
    const socket = await TestSocket.connect(first.wsUrl, admin);
    await socket.join(room);
    const sent: Message[] = [];
    for (let i = 0; i < 12; i++) {
      const ack = await socket.request({ type: "send", room, content: `note ${i}` });
      sent.push((ack as Extract<typeof ack, { type: "ack" }>).message);
    }
    assert.equal((await socket.request({ type: "edit", room, message: sent[1]!.id, content: "note 1, revised" })).type, "ack");
    assert.equal((await socket.request({ type: "delete", room, message: sent[2]!.id })).type, "ack");
    await socket.close();
    assert.equal((await api(first.url, "PATCH", `/api/rooms/${room}`, { token: admin.token, body: { retention_days: 1 / 86_400 } })).status, 200);
    const stored = async (url: string) => {
      const res = await api<{ days: Array<{ kind: string; count: number }> }>(url, "GET", "/api/admin/activity?days=1", { token: admin.token });
      assert.equal(res.status, 200);
      return res.body.days.filter((d) => d.kind === "message").reduce((n, d) => n + d.count, 0);
    };
    // 12 messages and the system line recording the retention change.
    assert.equal(await stored(first.url), 13);
    // Many retention runs pass with every message expired.
    await sleep(2_000);
    assert.equal(await stored(first.url), 13, "nothing deleted before it was archived");
    assert.ok(!first.logs.some((l) => l.includes("retention: deleted")));
    assert.equal(await first.stop(), 0);

    const second = await startServer({ ...env, ARCHIVE_INTERVAL_MS: "200" }, { keepDataDir: dataDir });
    try {
      await waitFor(async () => (await stored(second.url)) === 0, { timeoutMs: 15_000, what: "archived messages to be deleted by retention" });
      const manifestFile = path.join(dataDir, "archive", "manifest.jsonl");
      await waitFor(() => existsSync(manifestFile), { what: "the manifest" });
      const entries = readFileSync(manifestFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Entry).filter((e) => e.room === room);
      assert.ok(entries.length >= 1);
      const records: ArchiveRecord[] = [];
      for (const e of entries) {
        const gz = readFileSync(path.join(dataDir, "archive", e.path));
        assert.equal(createHash("sha256").update(gz).digest("hex"), e.sha256);
        const lines = gunzipSync(gz).toString().trimEnd().split("\n").map((l) => JSON.parse(l) as ArchiveRecord);
        assert.equal(lines.length, e.records);
        records.push(...lines);
      }
      const messages = records.filter((r) => r.type === "message" && r.message!.kind !== "system");
      assert.deepEqual(messages.map((r) => r.message!.id).sort(), sent.map((m) => m.id).sort(), "each message once");
      const edit = records.filter((r) => r.type === "edit");
      assert.equal(edit.length, 1);
      assert.equal(edit[0]!.message_id, sent[1]!.id);
      assert.equal(edit[0]!.content, "note 1, revised");
      assert.equal(edit[0]!.previous_content, "note 1");
      const deleted = records.filter((r) => r.type === "delete");
      assert.equal(deleted.length, 1);
      assert.equal(deleted[0]!.content, "note 2", "the content the delete removed is kept");
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });
});
