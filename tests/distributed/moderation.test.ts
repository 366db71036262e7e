/**
 * Moderation and limits across instances: a ban issued on A removes the user's socket on B
 * within a second, and the per-user message rate is one budget across both instances
 * (rate-limiter-flexible on Redis). Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import postgres from "postgres";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const RATE = 6;
let A: TestServer;
let B: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  const env = { ...servicesEnv(), RATE_MESSAGES_PER_MIN: String(RATE) };
  [A, B] = await Promise.all([startServer(env), startServer(env)]);
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop()]);
});

async function connect(server: TestServer, user: TestUser) {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

describe("moderation across instances", () => {
  test("a ban issued on A removes the user's socket on B from the room within 1 s", async () => {
    const [owner, victim] = await Promise.all([registerUser(A.url, "owner"), registerUser(B.url, "victim")]);
    const room = await createRoom(A.url, owner);
    const onB = await connect(B, victim);
    await onB.join(room);
    const pathSocket = await TestSocket.open(`${B.wsUrl}/${room}`, { token: victim.token });
    sockets.push(pathSocket);
    await pathSocket.next("joined");

    const started = Date.now();
    const res = await api(A.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "ban", user: victim.id, reason: "cross-instance" } });
    assert.equal(res.status, 200);
    const banned = (await onB.next((f) => f.type === "member" && f.event === "banned" && f.user.id === victim.id, { timeoutMs: 1000 })) as Extract<ServerFrame, { type: "member" }>;
    assert.ok(Date.now() - started <= 1000, "within a second");
    assert.equal(banned.reason, "cross-instance");
    assert.equal(await pathSocket.closed, 4003);

    const send = await onB.request({ type: "send", id: randomUUID(), room, content: "am I still here?" });
    assert.equal(send.type === "error" && send.code, "NOT_IN_ROOM");
    const rejoin = await onB.request({ type: "join", room });
    assert.equal(rejoin.type === "error" && rejoin.code, "FORBIDDEN");
    assert.equal((await api(B.url, "GET", `/api/rooms/${room}/messages`, { token: victim.token })).status, 403);
  });

  test("the per-user message rate holds across both instances", async () => {
    const user = await registerUser(A.url, "chatty");
    const room = await createRoom(A.url, user);
    const [onA, onB] = [await connect(A, user), await connect(B, user)];
    await onA.join(room);
    await onB.join(room);
    const answers: ServerFrame[] = [];
    for (let i = 0; i < RATE + 2; i++) {
      const socket = i % 2 === 0 ? onA : onB;
      answers.push(await socket.request({ type: "send", id: randomUUID(), room, content: `m${i}` }));
    }
    const acked = answers.filter((a) => a.type === "ack").length;
    const limited = answers.filter((a) => a.type === "error" && a.code === "RATE_LIMITED");
    assert.equal(acked, RATE, "one budget, not one per instance");
    assert.equal(limited.length, 2);
    assert.ok(limited.every((a) => a.type === "error" && (a.retry_after_ms ?? 0) > 0));
    const history = await api<{ messages: Message[] }>(B.url, "GET", `/api/rooms/${room}/messages`, { token: user.token });
    assert.equal(history.body.messages.length, RATE, "refused messages were not stored");
  });
});

describe("moderation and its audit row", () => {
  // A trigger makes the audit insert fail for one marked reason: the only way to make a real
  // database refuse that row and nothing else.
  const FAILING = "audit-cannot-be-written";

  test("an action whose audit row cannot be written is not taken (delete, mute)", async () => {
    const sql = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create or replace function confab_test_refuse_audit() returns trigger language plpgsql as $$
      begin if new.reason = '${FAILING}' then raise exception 'audit refused by test'; end if; return new; end $$`);
    await sql.unsafe("create trigger confab_test_refuse_audit before insert on audit_log for each row execute function confab_test_refuse_audit()");
    try {
      const [owner, member] = await Promise.all([registerUser(A.url, "auditor"), registerUser(B.url, "audited")]);
      const room = await createRoom(A.url, owner);
      const socket = await connect(B, member);
      await socket.join(room);
      const ack = await socket.request({ type: "send", id: randomUUID(), room, content: "keep me" });
      assert.equal(ack.type, "ack");
      const messageId = ack.type === "ack" ? ack.message.id : "";

      const deletion = await api(A.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "delete_message", message: messageId, reason: FAILING } });
      assert.ok(deletion.status >= 500, `refused, got ${deletion.status}`);
      const history = await api<{ messages: Message[] }>(A.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
      const kept = history.body.messages.find((m) => m.id === messageId);
      assert.equal(kept?.content, "keep me", "the message was not deleted");
      assert.equal(kept?.deleted ?? false, false);

      const mute = await api(A.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "mute", user: member.id, reason: FAILING } });
      assert.ok(mute.status >= 500, `refused, got ${mute.status}`);
      const after = await socket.request({ type: "send", id: randomUUID(), room, content: "still allowed" });
      assert.equal(after.type, "ack", "the member was not muted");

      const done = await api(A.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "delete_message", message: messageId, reason: "spam" } });
      assert.equal(done.status, 200);
      const audit = await sql<{ action: string; reason: string }[]>`select action, reason from audit_log where room_id = ${room} order by created_at`;
      assert.deepEqual(
        audit.map((r) => [r.action, r.reason]),
        [["delete_message", "spam"]],
      );
    } finally {
      await sql.unsafe("drop trigger if exists confab_test_refuse_audit on audit_log");
      await sql.unsafe("drop function if exists confab_test_refuse_audit()");
      await sql.end({ timeout: 5 });
    }
  });
});
