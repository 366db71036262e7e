/**
 * The compliance archive switch on the admin page (embedded): only site admins may read or flip
 * it, each flip is audited, turning it on starts an archive run at once, edits and deletes are
 * journalled only while it is on, and after it is turned off the messages sent while it was on
 * are still archived before retention may delete them, while messages sent after are not archived.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer } from "../support/server";

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-archive-switch-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

type Status = { enabled: boolean; source: string; files: number; last_run: { at: string; records: number } | null; manifest_path: string; updated_by: { id: string } | null };
type ArchiveRecord = { type: string; seq: number; message?: Message; message_id?: string; content?: string };
type AuditBody = { entries: Array<{ action: string; target: { type: string; name: string }; actor: { id: string } | null }> };

function readArchive(room: string): ArchiveRecord[] {
  const manifest = path.join(dataDir, "archive", "manifest.jsonl");
  if (!existsSync(manifest)) return [];
  const entries = readFileSync(manifest, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { path: string; room: string });
  return entries
    .filter((e) => e.room === room)
    .flatMap((e) =>
      gunzipSync(readFileSync(path.join(dataDir, "archive", e.path)))
        .toString()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as ArchiveRecord),
    );
}

describe("compliance archive switch", () => {
  test("site admins flip it, audited; it journals only while on; what was sent while on is archived before retention deletes it", async () => {
    const env = { RETENTION_INTERVAL_MS: "200" };
    // Phase 1: the archive job is scheduled hourly, so only the run started by the switch happens.
    const first = await startServer({ ...env, ARCHIVE_INTERVAL_MS: "3600000" }, { keepDataDir: dataDir });
    let admin!: TestUser;
    let room!: string;
    const sent: Record<string, Message> = {};
    try {
      admin = await registerUser(first.url, "admin");
      const mallory = await registerUser(first.url, "mallory");
      for (const [method, body] of [["GET"], ["PATCH", { enabled: true }]] as const) {
        const res = await api<{ error: { code: string } }>(first.url, method, "/api/admin/archive", { token: mallory.token, body });
        assert.equal(res.status, 403, `${method} by a non-admin`);
        assert.equal(res.body.error.code, "FORBIDDEN");
      }
      const bad = await api<{ error: { code: string; field?: string } }>(first.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: "yes" } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, "enabled");
      const status = async (url: string) => (await api<Status>(url, "GET", "/api/admin/archive", { token: admin.token })).body;
      const initial = await status(first.url);
      assert.equal(initial.enabled, false, "ARCHIVE_ENABLED is off by default");
      assert.equal(initial.source, "environment");
      assert.equal(initial.files, 0);
      assert.ok(initial.manifest_path.endsWith(path.join("archive", "manifest.jsonl")));

      room = await createRoom(first.url, admin);
      const socket = await TestSocket.connect(first.wsUrl, admin);
      await socket.join(room);
      const send = async (label: string) => {
        const ack = await socket.request({ type: "send", room, content: label });
        sent[label] = (ack as Extract<typeof ack, { type: "ack" }>).message;
      };
      await send("before on 1");
      await send("before on 2");

      const on = await api<Status>(first.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: true } });
      assert.equal(on.status, 200);
      assert.equal(on.body.enabled, true);
      assert.equal(on.body.source, "setting");
      assert.equal(on.body.updated_by?.id, admin.id);
      // The switch starts a run at once (the interval is an hour): history so far is archived.
      await waitFor(async () => (await status(first.url)).files > 0, { timeoutMs: 10_000, what: "the archive run started by the switch" });
      // The manifest is rewritten at the end of the run, after the files are recorded.
      await waitFor(() => readArchive(room).length > 0, { what: "the manifest to list the room" });
      assert.deepEqual(
        readArchive(room).filter((r) => r.type === "message").map((r) => r.message!.content),
        ["before on 1", "before on 2"],
      );

      await send("while on 1");
      await send("while on 2");
      assert.equal((await socket.request({ type: "edit", room, message: sent["while on 1"]!.id, content: "edited while on" })).type, "ack");

      const off = await api<Status>(first.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: false } });
      assert.equal(off.status, 200);
      assert.equal(off.body.enabled, false);
      // Turning it off again changes nothing and is not audited twice.
      assert.equal((await api(first.url, "PATCH", "/api/admin/archive", { token: admin.token, body: { enabled: false } })).status, 200);
      const audit = (await api<AuditBody>(first.url, "GET", "/api/admin/audit", { token: admin.token })).body.entries.filter((e) => e.action.startsWith("archive_"));
      assert.deepEqual(
        audit.map((e) => e.action),
        ["archive_disable", "archive_enable"],
      );
      assert.ok(audit.every((e) => e.actor?.id === admin.id && e.target.type === "site"));

      // Off: edits are no longer journalled, new messages are not owed to the archive.
      assert.equal((await socket.request({ type: "edit", room, message: sent["while on 2"]!.id, content: "edited while off" })).type, "ack");
      await send("after off");
      await socket.close();

      const stored = async (url: string) => {
        const res = await api<{ days: Array<{ kind: string; count: number }> }>(url, "GET", "/api/admin/activity?days=1", { token: admin.token });
        return res.body.days.filter((d) => d.kind === "message").reduce((n, d) => n + d.count, 0);
      };
      assert.equal(await stored(first.url), 5);
      assert.equal((await api(first.url, "PATCH", `/api/rooms/${room}`, { token: admin.token, body: { retention_days: 1 / 86_400 } })).status, 200);
      // Archived ("before on") and never owed ("after off") messages go; the two sent while on wait.
      await waitFor(async () => (await stored(first.url)) === 2, { timeoutMs: 10_000, what: "retention to delete what it may" });
      await sleep(1_500);
      assert.equal(await stored(first.url), 2, "messages sent while the archive was on wait for it");
    } finally {
      assert.equal(await first.stop(), 0);
    }

    // Phase 2: the job runs often; the switch is still off but the archive owes two messages and an edit.
    const second = await startServer({ ...env, ARCHIVE_INTERVAL_MS: "200" }, { keepDataDir: dataDir });
    try {
      await waitFor(
        async () => {
          const res = await api<{ days: Array<{ kind: string; count: number }> }>(second.url, "GET", "/api/admin/activity?days=1", { token: admin.token });
          return res.body.days.filter((d) => d.kind === "message").reduce((n, d) => n + d.count, 0) === 0;
        },
        { timeoutMs: 15_000, what: "owed messages archived, then deleted by retention" },
      );
      const status = (await api<Status>(second.url, "GET", "/api/admin/archive", { token: admin.token })).body;
      assert.equal(status.enabled, false, "the stored choice outlives a restart");
      assert.equal(status.source, "setting");
      assert.ok(status.last_run, "the drain run is recorded");
      const records = readArchive(room);
      assert.deepEqual(
        records
          .filter((r) => r.type === "message")
          .map((r) => r.message!.id)
          .sort(),
        ["before on 1", "before on 2", "while on 1", "while on 2"].map((label) => sent[label]!.id).sort(),
        "each message sent while on, once; nothing sent after",
      );
      const edits = records.filter((r) => r.type === "edit");
      assert.deepEqual(
        edits.map((r) => r.content),
        ["edited while on"],
        "only the edit made while the archive was on was journalled",
      );
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });
});
