/**
 * Moderation and limits across instances: a ban issued on A removes the user's socket on B
 * within a second, and the per-user message rate is one budget across both instances
 * (rate-limiter-flexible on Redis). Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
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
