/**
 * Room exports against the real server (embedded shape, in-process jobs): the JSON lines file
 * holds exactly what the history REST returns, the HTML transcript escapes what users wrote,
 * progress is persisted and reaches 1, and only people who can read the room now may fetch
 * the status or the files (404 for everyone else, even holding the URL), until the link expires.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import type { RoomExport } from "@/protocol/rest";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

const TTL_MS = 6_000;
let server: TestServer;
let owner: TestUser;
let socket: TestSocket;

before(async () => {
  // Small pages so an export takes several batches (and several progress updates).
  server = await startServer({ EXPORT_BATCH: "7", EXPORT_TTL_MS: String(TTL_MS), EXPORT_CLEANUP_INTERVAL_MS: "300" });
  owner = await registerUser(server.url, "owner");
  socket = await TestSocket.connect(server.wsUrl, owner);
});
after(async () => {
  await socket.close();
  await server.stop();
});

type ExportAnswer = { export: RoomExport; error?: { code: string } };

const startExport = (room: string, by = owner) => api<ExportAnswer>(server.url, "POST", `/api/rooms/${room}/exports`, { token: by.token });
const status = (room: string, id: string, by = owner) => api<ExportAnswer>(server.url, "GET", `/api/rooms/${room}/exports/${id}`, { token: by.token });

async function download(url: string, by: TestUser | null = owner): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(server.url + url, { headers: by ? { authorization: `Bearer ${by.token}` } : {} });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** Starts an export and polls it to the end, returning every progress value seen on the way. */
async function exportRoom(room: string): Promise<{ done: RoomExport; seen: number[] }> {
  const started = await startExport(room);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.export.status, "queued");
  assert.equal(started.body.export.progress, 0);
  const seen: number[] = [];
  let done: RoomExport | undefined;
  await waitFor(
    async () => {
      const res = await status(room, started.body.export.id);
      assert.equal(res.status, 200);
      seen.push(res.body.export.progress);
      assert.notEqual(res.body.export.status, "failed", res.body.export.error ?? "");
      if (res.body.export.status === "done") done = res.body.export;
      return done !== undefined;
    },
    { timeoutMs: 20_000, what: "the export to finish" },
  );
  return { done: done!, seen };
}

const send = async (room: string, content: string, extra: Record<string, unknown> = {}) => {
  const ack = await socket.request({ type: "send", room, content, ...extra });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as Extract<typeof ack, { type: "ack" }>).message;
};

async function history(room: string, by = owner): Promise<Message[]> {
  const all: Message[] = [];
  for (let after = 0; ; ) {
    const page = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?after=${after}&limit=200`, { token: by.token });
    assert.equal(page.status, 200);
    all.push(...page.body.messages);
    if (page.body.messages.length < 200) return all;
    after = page.body.messages.at(-1)!.seq;
  }
}

describe("room export", () => {
  test("the JSON lines match the history REST, the transcript escapes, progress reaches 1", async () => {
    const room = await createRoom(server.url, owner, "private");
    const other = await registerUser(server.url, "other");
    const invite = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body: {} });
    assert.equal((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: other.token })).status, 200);
    await socket.join(room);
    const sent: Message[] = [];
    for (let i = 0; i < 40; i++) sent.push(await send(room, `message number ${i}`));
    const xss = await send(room, `<script>alert("x")</script> & <img src=x onerror=alert(1)>`);
    const edited = sent[3]!;
    assert.equal((await socket.request({ type: "edit", room, message: edited.id, content: "edited <b>text</b>" })).type, "ack");
    assert.equal((await socket.request({ type: "delete", room, message: sent[5]!.id })).type, "ack");
    assert.equal((await socket.request({ type: "react", room, message: sent[7]!.id, emoji: "👍", op: "add" })).type, "ack");
    // A private message between two members is not part of an export any reader may download.
    const secret = await send(room, "just between us", { to: other.id });

    const { done, seen } = await exportRoom(room);
    assert.equal(done.progress, 1);
    assert.ok(done.url && done.html_url, "download links once done");
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `progress never goes back: ${seen.join(", ")}`);
    assert.ok(Date.parse(done.expires_at) > Date.now(), "the link expires in the future");

    const jsonl = await download(done.url!);
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get("content-disposition") ?? "", /^attachment; filename="confab-.*\.jsonl"$/);
    const lines = jsonl.text.trimEnd().split("\n").map((l) => JSON.parse(l) as Message);
    const expected = (await history(room)).filter((m) => m.id !== secret.id);
    const written = lines.filter((m) => m.kind !== "system");
    assert.equal(written.length, 41, "40 messages and the markup one; not the private one");
    assert.ok(lines.some((m) => m.kind === "system"), "the room's system lines (a join) are part of its history");
    assert.deepEqual(lines, expected, "the same wire messages as GET /api/rooms/:id/messages");
    assert.ok(!lines.some((m) => m.id === secret.id), "private messages are left out");
    assert.equal(lines.find((m) => m.id === edited.id)?.content, "edited <b>text</b>");
    assert.equal(lines.find((m) => m.id === sent[5]!.id)?.deleted, true);
    assert.equal(lines.find((m) => m.id === sent[7]!.id)?.reactions?.[0]?.emoji, "👍");

    const html = await download(done.html_url!);
    assert.equal(html.status, 200);
    assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(html.headers.get("content-security-policy") ?? "", /default-src 'none'/, "served, it runs nothing");
    assert.equal(html.headers.get("x-content-type-options"), "nosniff");
    assert.ok(!/<script/i.test(html.text), "no script element, neither ours nor a user's");
    assert.ok(!/<img/i.test(html.text), "user markup is text");
    assert.ok(html.text.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"), "escaped");
    assert.ok(html.text.includes("message number 39"));
    assert.ok(html.text.includes("edited &lt;b&gt;text&lt;/b&gt;"));
    assert.ok(!html.text.includes("just between us"));
    assert.ok(!/(src|href)=["']?https?:/i.test(html.text.replace(/<a href="[^"]*" rel="noreferrer">/g, "")), "self-contained: nothing loaded from elsewhere");
    assert.ok(html.text.includes("<style>"), "inline CSS");
    assert.ok(xss.seq > 0);
  });

  test("only room admins may start one", async () => {
    const room = await createRoom(server.url, owner, "public");
    const member = await registerUser(server.url, "member");
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: member.token })).status, 200);
    const refused = await startExport(room, member);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, "FORBIDDEN");
    const anonymous = await api<{ error: { code: string } }>(server.url, "POST", `/api/rooms/${room}/exports`);
    assert.equal(anonymous.status, 401);
  });

  test("downloads: readers only; non-members and kicked members get 404 even with the URL", async () => {
    const room = await createRoom(server.url, owner, "private");
    await socket.join(room);
    await send(room, "for the record");
    const member = await registerUser(server.url, "member");
    const outsider = await registerUser(server.url, "outsider");
    const invite = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body: {} });
    assert.equal((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: member.token })).status, 200);
    const { done } = await exportRoom(room);

    const byMember = await download(done.url!, member);
    assert.equal(byMember.status, 200, "a member who can read the room may download");
    assert.match(byMember.text, /for the record/);
    assert.equal((await status(room, done.id, member)).status, 200);

    for (const url of [done.url!, done.html_url!]) {
      assert.equal((await download(url, outsider)).status, 404, "a non-member");
      assert.equal((await download(url, null)).status, 401, "signed out");
    }
    assert.equal((await status(room, done.id, outsider)).status, 404);
    // Another room's id with this export's id: still not found.
    const elsewhere = await createRoom(server.url, outsider, "private");
    assert.equal((await download(`/api/rooms/${elsewhere}/exports/${done.id}/download`, outsider)).status, 404);
    assert.equal((await download(`/api/rooms/${room}/exports/${randomUUID()}/download`)).status, 404);

    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "kick", user: member.id } })).status, 200);
    assert.equal((await download(done.url!, member)).status, 404, "a kicked member");
    assert.equal((await download(done.html_url!, member)).status, 404, "a kicked member");
    assert.equal((await status(room, done.id, member)).status, 404);
    assert.equal((await download(done.url!)).status, 200, "the owner still can");
  });

  test("an expired link answers 404 and the cleanup job deletes the files", async () => {
    const room = await createRoom(server.url, owner, "public");
    await socket.join(room);
    await send(room, "short-lived");
    const { done } = await exportRoom(room);
    assert.equal((await download(done.url!)).status, 200);
    const files = [`${done.id}.jsonl`, `${done.id}.html`].map((f) => path.join(server.dataDir, "exports", f));
    assert.ok(files.every((f) => existsSync(f)), "files written under DATA_DIR/exports");
    await sleep(Math.max(0, Date.parse(done.expires_at) - Date.now()) + 100);
    assert.equal((await download(done.url!)).status, 404);
    assert.equal((await download(done.html_url!)).status, 404);
    const after = await status(room, done.id);
    assert.equal(after.body.export.status, "expired");
    assert.equal(after.body.export.url, undefined);
    await waitFor(() => files.every((f) => !existsSync(f)), { timeoutMs: 5_000, what: "expired files to be deleted" });
  });
});
