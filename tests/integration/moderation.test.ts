import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;

before(async () => {
  server = await startServer({ RETENTION_INTERVAL_MS: "200" });
  owner = await registerUser(server.url, "owner");
});
after(() => server.stop());

const moderate = (room: string, body: Record<string, unknown>, by = owner) =>
  api<{ error?: { code: string; message: string } }>(server.url, "POST", `/api/rooms/${room}/moderation`, { token: by.token, body });
const createInvite = (room: string, body: Record<string, unknown> = {}) =>
  api<{ id: string; token: string; url: string; expires_at: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body });
const accept = (token: string, user: TestUser) => api<{ room?: { id: string }; error?: { code: string; message: string } }>(server.url, "POST", `/api/invites/${token}/accept`, { token: user.token });
const send = (s: TestSocket, room: string, content: string) => s.request({ type: "send", id: randomUUID(), room, content });

describe("invitations", () => {
  test("a link admits people into a private room with the invite's role", async () => {
    const room = await createRoom(server.url, owner, "private");
    const invite = await createInvite(room, { role: "guest" });
    assert.equal(invite.status, 201);
    assert.ok(Buffer.from(invite.body.token, "base64url").length >= 16, "at least 128 bits");
    assert.match(invite.body.url, new RegExp(`/invite/${invite.body.token}$`));
    const preview = await api<{ room: { name: string } }>(server.url, "GET", `/api/invites/${invite.body.token}`);
    assert.equal(preview.status, 200, "a signed-out visitor sees which room it is");
    const guest = await registerUser(server.url, "guest");
    const res = await accept(invite.body.token, guest);
    assert.equal(res.status, 200);
    assert.equal(res.body.room?.id, room);
    const detail = await api<{ members: Array<{ id: string; role: string }> }>(server.url, "GET", `/api/rooms/${room}`, { token: guest.token });
    assert.equal(detail.body.members.find((m) => m.id === guest.id)?.role, "guest");
    const list = await api<{ invites: Array<{ id: string; uses: number; token?: string }> }>(server.url, "GET", `/api/rooms/${room}/invites`, { token: owner.token });
    assert.equal(list.body.invites[0]?.uses, 1);
    assert.equal(list.body.invites[0]?.token, undefined, "tokens are never shown again");
  });

  test("invalid, expired, used-up and revoked invitations all answer the same 404", async () => {
    const room = await createRoom(server.url, owner, "private");
    const once = await createInvite(room, { max_uses: 1 });
    const short = await createInvite(room, { expires_in_s: 1 });
    const revoked = await createInvite(room);
    assert.equal((await api(server.url, "DELETE", `/api/rooms/${room}/invites/${revoked.body.id}`, { token: owner.token })).status, 204);
    const [first, second, third, fourth, fifth] = await Promise.all(Array.from({ length: 5 }, () => registerUser(server.url, "inv")));
    assert.equal((await accept(once.body.token, first!)).status, 200);
    await sleep(1100);
    const answers = [
      await accept(once.body.token, second!),
      await accept(short.body.token, third!),
      await accept(revoked.body.token, fourth!),
      await accept(randomUUID(), fifth!),
    ];
    for (const a of answers) {
      assert.equal(a.status, 404);
      assert.deepEqual(a.body, answers[0]!.body, "indistinguishable");
    }
    const members = await api<{ members: Array<{ id: string }> }>(server.url, "GET", `/api/rooms/${room}`, { token: owner.token });
    assert.deepEqual(members.body.members.map((m) => m.id).sort(), [owner.id, first!.id].sort());
  });
});

describe("moderation", () => {
  test("mute blocks sending, with the reason and end time, until it ends", async () => {
    const room = await createRoom(server.url, owner);
    const victim = await registerUser(server.url, "muted");
    const s = await TestSocket.connect(server.wsUrl, victim);
    await s.join(room);
    const o = await TestSocket.connect(server.wsUrl, owner);
    await o.join(room);
    assert.equal((await moderate(room, { action: "mute", user: victim.id, duration_s: 1, reason: "cool down" })).status, 200);
    const event = (await s.next((f) => f.type === "member" && f.event === "muted")) as Extract<ServerFrame, { type: "member" }>;
    assert.equal(event.reason, "cool down");
    assert.ok(event.until);
    const row = (await api<{ members: Array<{ id: string; muted_until: string | null; muted_reason: string | null }> }>(server.url, "GET", `/api/rooms/${room}`, { token: victim.token })).body.members.find((m) => m.id === victim.id);
    assert.deepEqual([Boolean(row?.muted_until), row?.muted_reason], [true, "cool down"], "a member opening the room later sees the mute too");
    const refused = await send(s, room, "let me speak");
    assert.equal(refused.type === "error" && refused.code, "FORBIDDEN");
    assert.match(refused.type === "error" ? refused.message : "", /muted until .*cool down/);
    await waitFor(async () => (await send(s, room, "back again")).type === "ack", { timeoutMs: 5000, what: "the mute to end" });
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.filter((m) => m.kind !== "system").map((m) => m.content), ["back again"]);
    await Promise.all([s.close(), o.close()]);
  });

  test("a ban removes the live socket from the room within 1 s and blocks rejoining and history", async () => {
    const room = await createRoom(server.url, owner);
    const victim = await registerUser(server.url, "banned");
    const s = await TestSocket.connect(server.wsUrl, victim);
    await s.join(room);
    const single = await TestSocket.open(`${server.wsUrl}/${room}`, { token: victim.token });
    await single.next("joined");
    const started = Date.now();
    assert.equal((await moderate(room, { action: "ban", user: victim.id, reason: "spam" })).status, 200);
    const banned = await s.next((f) => f.type === "member" && f.event === "banned" && f.user.id === victim.id, { timeoutMs: 1000 });
    assert.ok(Date.now() - started <= 1000);
    assert.equal(banned.type === "member" && banned.reason, "spam");
    assert.equal(await single.closed, 4003, "a socket opened on the room's own path is closed");
    const after = await send(s, room, "still here?");
    assert.equal(after.type === "error" && after.code, "NOT_IN_ROOM");
    const rejoin = await s.request({ type: "join", room });
    assert.equal(rejoin.type === "error" && rejoin.code, "FORBIDDEN");
    assert.equal(rejoin.type === "error" && rejoin.reason, "banned", "the socket error says why, typed");
    const history = await api<{ error: { code: string; reason?: string } }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: victim.token });
    assert.equal(history.status, 403);
    assert.deepEqual([history.body.error.code, history.body.error.reason], ["FORBIDDEN", "banned"]);
    const detail = await api<{ error: { reason?: string } }>(server.url, "GET", `/api/rooms/${room}`, { token: victim.token });
    assert.deepEqual([detail.status, detail.body.error.reason], [403, "banned"], "the room view tells a ban by this");
    const audit = await api<{ entries: Array<{ action: string; target: { id: string }; reason: string }> }>(server.url, "GET", `/api/rooms/${room}/audit`, { token: owner.token });
    assert.deepEqual(audit.body.entries.map((e) => [e.action, e.target.id, e.reason]), [["ban", victim.id, "spam"]]);
    assert.equal((await moderate(room, { action: "unban", user: victim.id })).status, 200);
    assert.equal((await s.request({ type: "join", room })).type, "joined", "an unbanned user may join a public room again");
    await s.close();
  });

  test("a refusal that is not a ban carries no reason", async () => {
    const room = await createRoom(server.url, owner, "private");
    const stranger = await registerUser(server.url, "stranger");
    const s = await TestSocket.connect(server.wsUrl, stranger);
    const join = await s.request({ type: "join", room });
    assert.equal(join.type === "error" && join.code, "FORBIDDEN");
    assert.equal(join.type === "error" && join.reason, undefined);
    const detail = await api<{ error: { code: string; reason?: string } }>(server.url, "GET", `/api/rooms/${room}`, { token: stranger.token });
    assert.deepEqual([detail.status, detail.body.error.code, detail.body.error.reason], [403, "FORBIDDEN", undefined]);
    await s.close();
  });

  test("a kicked member may rejoin a public room", async () => {
    const room = await createRoom(server.url, owner);
    const victim = await registerUser(server.url, "kicked");
    const s = await TestSocket.connect(server.wsUrl, victim);
    await s.join(room);
    assert.equal((await moderate(room, { action: "kick", user: victim.id })).status, 200);
    await s.next((f) => f.type === "member" && f.event === "kicked");
    assert.equal((await send(s, room, "x")).type === "error", true);
    assert.equal((await s.request({ type: "join", room })).type, "joined");
    await s.close();
  });

  test("settings changes broadcast room_updated; slow mode refuses fast senders and stores nothing", async () => {
    const room = await createRoom(server.url, owner);
    const member = await registerUser(server.url, "slow");
    const s = await TestSocket.connect(server.wsUrl, member);
    await s.join(room);
    const patch = await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { slow_mode_s: 30, topic: "slow chat" } });
    assert.equal(patch.status, 200);
    const updated = (await s.next("room_updated")) as Extract<ServerFrame, { type: "room_updated" }>;
    assert.deepEqual([updated.settings.slow_mode_s, updated.topic], [30, "slow chat"]);
    assert.equal((await send(s, room, "first")).type, "ack");
    const second = await send(s, room, "second");
    assert.equal(second.type === "error" && second.code, "RATE_LIMITED");
    assert.ok(second.type === "error" && second.retry_after_ms && second.retry_after_ms > 20_000);
    assert.equal(second.type === "error" && second.retryable, true);
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { typing_indicators: false } })).status, 200);
    const typing = await s.request({ type: "typing", room, state: "start" });
    assert.equal(typing.type === "error" && typing.code, "FORBIDDEN", "typing indicators can be turned off per room");
    const bad = await api<{ error: { code: string } }>(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { slow_mode_s: -1 } });
    assert.equal(bad.status, 400);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.filter((m) => m.kind !== "system").map((m) => m.content), ["first"]);
    const o = await TestSocket.connect(server.wsUrl, owner);
    await o.join(room);
    assert.deepEqual([(await send(o, room, "owner 1")).type, (await send(o, room, "owner 2")).type], ["ack", "ack"], "moderators and above skip slow mode");
    await Promise.all([s.close(), o.close()]);
  });

  test("the audit log says what changed: settings old → new, the role given and the one it replaced, a mute's length", async () => {
    const room = await createRoom(server.url, owner);
    const member = await registerUser(server.url, "audited");
    const s = await TestSocket.connect(server.wsUrl, member);
    await s.join(room);
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { slow_mode_s: 10, topic: "first topic" } })).status, 200);
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { slow_mode_s: 20, topic: "second topic" } })).status, 200);
    assert.equal((await moderate(room, { action: "role", user: member.id, role: "moderator" })).status, 200);
    assert.equal((await moderate(room, { action: "mute", user: member.id, duration_s: 600 })).status, 200);
    type Entry = { action: string; details: Record<string, unknown> | null };
    const audit = await api<{ entries: Entry[] }>(server.url, "GET", `/api/rooms/${room}/audit`, { token: owner.token });
    const [mute, role, settings] = audit.body.entries;
    assert.deepEqual(mute, { ...mute, action: "mute", details: { duration_s: 600 } });
    assert.deepEqual(role?.details, { role: "moderator", from: "member" });
    assert.equal(settings?.action, "settings");
    assert.deepEqual(settings?.details?.changes, [
      { field: "slow_mode_s", from: 10, to: 20 },
      { field: "topic", from: "first topic", to: "second topic" },
    ]);
    assert.equal(settings?.details?.slow_mode_s, 20, "the patch itself is still recorded as sent");
    await s.close();
  });

  test("the member limit refuses joins beyond it", async () => {
    const room = await createRoom(server.url, owner);
    await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { member_limit: 2 } });
    const [a, b] = await Promise.all([registerUser(server.url, "cap"), registerUser(server.url, "cap")]);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: a!.token })).status, 200);
    const full = await api<{ error: { code: string } }>(server.url, "POST", `/api/rooms/${room}/join`, { token: b!.token });
    assert.equal(full.status, 403);
  });

  test("the retention job deletes messages older than the room's retention", async () => {
    const room = await createRoom(server.url, owner);
    const o = await TestSocket.connect(server.wsUrl, owner);
    await o.join(room);
    assert.equal((await send(o, room, "old news")).type, "ack");
    const twoSeconds = 2 / 86_400;
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { retention_days: twoSeconds } })).status, 200);
    await sleep(2200);
    assert.equal((await send(o, room, "fresh")).type, "ack");
    await waitFor(async () => (await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token })).body.messages.length === 1, {
      what: "the old message to go",
    });
    const replay = await TestSocket.connect(server.wsUrl, owner);
    await replay.join(room, 0);
    await replay.next((f) => f.type === "message" && f.message.content === "fresh");
    assert.ok(!replay.messages(room).some((m) => m.content === "old news"));
    await Promise.all([o.close(), replay.close()]);
  });
});

describe("direct messages and blocking", () => {
  test("one direct room per pair; blocked users cannot DM or whisper, and the blocker sees placeholders", async () => {
    const [alice, mallory] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "mallory")]);
    const dm1 = await api<{ id: string; visibility: string }>(server.url, "POST", "/api/dms", { token: alice.token, body: { user: mallory.id } });
    const dm2 = await api<{ id: string }>(server.url, "POST", "/api/dms", { token: mallory.token, body: { user: alice.id } });
    assert.equal(dm1.body.id, dm2.body.id);
    assert.equal(dm1.body.visibility, "direct");

    const room = await createRoom(server.url, owner);
    const a = await TestSocket.connect(server.wsUrl, alice);
    const m = await TestSocket.connect(server.wsUrl, mallory);
    await a.join(room);
    await m.join(room);
    await m.join(dm1.body.id);
    assert.equal((await send(m, room, "before the block")).type, "ack");

    assert.equal((await api(server.url, "POST", "/api/blocks", { token: alice.token, body: { user: mallory.id } })).status, 204);
    const blocks = await api<{ blocks: Array<{ id: string }> }>(server.url, "GET", "/api/blocks", { token: alice.token });
    assert.deepEqual(blocks.body.blocks.map((b) => b.id), [mallory.id]);

    await waitFor(async () => {
      const probe = await send(m, room, `probe ${randomUUID()}`);
      const id = probe.type === "ack" ? probe.message.id : "";
      const seen = (await a.next((f) => f.type === "message" && f.message.id === id)) as Extract<ServerFrame, { type: "message" }>;
      return seen.message.blocked === true && seen.message.content === "";
    }, { what: "live messages to arrive masked" });
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    const [lines, said] = [history.body.messages.filter((x) => x.kind === "system"), history.body.messages.filter((x) => x.kind !== "system")];
    assert.ok(said.every((x) => x.blocked === true && x.content === ""), "history is masked too");
    assert.ok(
      lines.some((x) => x.sender === mallory.id && x.content === `${mallory.username} joined` && !x.blocked),
      "system lines are the room's record, not the blocked user's words: they stay visible",
    );
    const ownerView = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.ok(ownerView.body.messages.every((x) => !x.blocked && x.content !== ""), "others still see them");

    assert.equal((await api(server.url, "POST", "/api/dms", { token: mallory.token, body: { user: alice.id } })).status, 403);
    const whisper = await m.request({ type: "send", id: randomUUID(), room, content: "psst", to: alice.id });
    assert.equal(whisper.type === "error" && whisper.code, "FORBIDDEN");
    const inDm = await send(m, dm1.body.id, "hello?");
    assert.equal(inDm.type === "error" && inDm.code, "FORBIDDEN");

    assert.equal((await api(server.url, "DELETE", `/api/blocks/${mallory.id}`, { token: alice.token })).status, 204);
    assert.equal((await send(m, dm1.body.id, "friends again")).type, "ack");
    await Promise.all([a.close(), m.close()]);
  });
});

describe("limits", () => {
  let limited: TestServer;
  before(async () => {
    // Each registerUser spends two auth points (register + token): 3 users, then the limit test.
    limited = await startServer({ RATE_MESSAGES_PER_MIN: "5", RATE_AUTH_PER_MIN: "7", MAX_SOCKETS_PER_USER: "2" });
  });
  after(() => limited.stop());

  test("the per-user message rate refuses the excess with retry_after_ms and stores nothing", async () => {
    const user = await registerUser(limited.url, "fast");
    const room = await createRoom(limited.url, user);
    const s = await TestSocket.connect(limited.wsUrl, user);
    await s.join(room);
    const answers: ServerFrame[] = [];
    for (let i = 0; i < 7; i++) answers.push(await send(s, room, `m${i}`));
    assert.deepEqual(answers.map((a) => a.type), ["ack", "ack", "ack", "ack", "ack", "error", "error"]);
    const err = answers[5]!;
    assert.equal(err.type === "error" && err.code, "RATE_LIMITED");
    assert.ok(err.type === "error" && err.retry_after_ms! > 0);
    const history = await api<{ messages: Message[] }>(limited.url, "GET", `/api/rooms/${room}/messages`, { token: user.token });
    assert.equal(history.body.messages.length, 5);
    // Retrying an acked message is not a new message: it still answers.
    const retry = await s.request({ type: "send", id: history.body.messages[0]!.client_id, room, content: "m0" });
    assert.equal(retry.type, "ack");
    await s.close();
  });

  test("sustained abuse closes the socket with 4008", async () => {
    const user = await registerUser(limited.url, "abuser");
    const room = await createRoom(limited.url, user);
    const s = await TestSocket.connect(limited.wsUrl, user);
    await s.join(room);
    for (let i = 0; i < 150 && s.closeCode === null; i++) {
      s.send({ type: "send", id: randomUUID(), room, content: `spam ${i}` });
      if (i % 20 === 19) await sleep(20);
    }
    assert.equal(await s.closed, 4008);
  });

  test("sockets per user are capped", async () => {
    const user = await registerUser(limited.url, "tabs");
    const one = await TestSocket.connect(limited.wsUrl, user);
    const two = await TestSocket.connect(limited.wsUrl, user);
    const three = await TestSocket.open(limited.wsUrl, { token: user.token });
    assert.equal(await three.closed, 4008);
    await Promise.all([one.close(), two.close()]);
  });

  test("sign-in and registration are rate-limited per client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api(limited.url, "POST", "/api/token", { body: { username: "nobody", password: "wrong password" } })).status);
    assert.ok(statuses.includes(429), `expected a 429 among ${statuses}`);
    const res = await api<{ error: { code: string } }>(limited.url, "POST", "/api/register", { body: { username: "latecomer", password: "long enough pw" } });
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, "RATE_LIMITED");
  });
});

describe("activity", () => {
  test("site admins see counts per day; nobody else does", async () => {
    const res = await api<{ days: Array<{ day: string; kind: string; count: number }> }>(server.url, "GET", "/api/admin/activity", { token: owner.token });
    assert.equal(res.status, 200, "the first user of a site is its administrator");
    const kinds = new Set(res.body.days.map((d) => d.kind));
    for (const kind of ["connect", "join", "message", "moderation"]) assert.ok(kinds.has(kind), kind);
    const other = await registerUser(server.url, "nobody");
    assert.equal((await api(server.url, "GET", "/api/admin/activity", { token: other.token })).status, 403);
  });
});
