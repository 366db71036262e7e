import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, type TestUser } from "../support/client";
import { connect, roomWithMembers, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";
import { SseClient } from "../support/sse";

type ErrorBody = { error: { code: string; message: string; field?: string; reason?: string } };

let server: TestServer;
let owner: TestUser;
const RATE = 8;

before(async () => {
  // A small per-user message budget, so the rate limit is reachable; every other test here
  // sends a few messages per fresh user.
  server = await startServer({ RATE_MESSAGES_PER_MIN: String(RATE) });
  [owner] = await users(server, ["owner"]);
});
after(() => server.stop());

const post = <T = Message>(room: string, user: TestUser | null, body: unknown, headers: Record<string, string> = {}) =>
  api<T>(server.url, "POST", `/api/rooms/${room}/messages`, { ...(user ? { token: user.token } : {}), body, headers });
const join = (room: string, user: TestUser) => api(server.url, "POST", `/api/rooms/${room}/join`, { token: user.token });
const moderate = (room: string, body: Record<string, unknown>) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });

describe("REST send", () => {
  test("201 with the stored message; the same id again answers 200 with the same message and stores nothing new", async () => {
    const room = await createRoom(server.url, owner);
    const member = await registerUser(server.url, "member");
    const watcher = await connect(server, owner, { join: [room] });
    assert.equal((await join(room, member)).status, 200);
    const parent = await post(room, owner, { id: randomUUID(), content: "the question" });
    assert.equal(parent.status, 201);

    const id = randomUUID();
    const first = await post(room, member, { id, content: "sent over REST", reply_to: parent.body.id });
    assert.equal(first.status, 201);
    assert.equal(first.body.content, "sent over REST");
    assert.equal(first.body.sender, member.id);
    assert.equal(first.body.client_id, id);
    assert.equal(first.body.reply_to, parent.body.id);
    const again = await post(room, member, { id, content: "sent over REST", reply_to: parent.body.id });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);

    const live = await watcher.next((f) => f.type === "message" && f.message.id === first.body.id);
    assert.equal(live.type === "message" && live.message.seq, first.body.seq, "socket members get it live");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.equal(history.body.messages.filter((m) => m.client_id === id).length, 1, "stored once");
    assert.equal(watcher.messages(room).filter((m) => m.id === first.body.id).length, 1, "delivered once");
    await watcher.close();
  });

  test("a pure SSE client talks: its POSTed message comes back on its own stream", async () => {
    const room = await createRoom(server.url, owner);
    const stream = await SseClient.open(server.url, room, { token: owner.token });
    const sent = await post(room, owner, { id: randomUUID(), content: "round trip" });
    assert.equal(sent.status, 201);
    const event = await stream.next((e) => e.data.type === "message" && e.data.message.id === sent.body.id);
    assert.equal(event.id, String(sent.body.seq));
    stream.close();
  });

  test("a private message (`to`) reaches only its two people", async () => {
    const [a, b] = await users(server, ["pa", "pb"]);
    const room = await roomWithMembers(server, owner, [a, b]);
    const sb = await connect(server, b, { join: [room] });
    const so = await connect(server, owner, { join: [room] });
    const secret = await post(room, a, { id: randomUUID(), content: "psst", to: b.id });
    assert.equal(secret.status, 201);
    assert.equal(secret.body.to, b.id);
    await sb.next((f) => f.type === "message" && f.message.id === secret.body.id);
    const marker = await post(room, a, { id: randomUUID(), content: "public" });
    await so.next((f) => f.type === "message" && f.message.id === marker.body.id);
    assert.ok(!so.messages(room).some((m) => m.id === secret.body.id));
  });

  test("the socket's rules and codes: not a member, muted, banned, slow mode", async () => {
    const room = await createRoom(server.url, owner);
    const [stranger, muted, banned, slow] = await Promise.all(["stranger", "muted", "banned", "slow"].map((p) => registerUser(server.url, p)));

    const notMember = await post<ErrorBody>(room, stranger!, { id: randomUUID(), content: "hi" });
    assert.deepEqual([notMember.status, notMember.body.error.code], [403, "FORBIDDEN"]);

    for (const u of [muted!, banned!, slow!]) assert.equal((await join(room, u)).status, 200);
    assert.equal((await moderate(room, { action: "mute", user: muted!.id, duration_s: 600, reason: "calm down" })).status, 200);
    const mutedAnswer = await post<ErrorBody>(room, muted!, { id: randomUUID(), content: "hi" });
    assert.deepEqual([mutedAnswer.status, mutedAnswer.body.error.code], [403, "FORBIDDEN"]);
    assert.match(mutedAnswer.body.error.message, /muted.*calm down/);

    assert.equal((await moderate(room, { action: "ban", user: banned!.id })).status, 200);
    const bannedAnswer = await post<ErrorBody>(room, banned!, { id: randomUUID(), content: "hi" });
    assert.deepEqual([bannedAnswer.status, bannedAnswer.body.error.code], [403, "FORBIDDEN"]);

    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { slow_mode_s: 60 } })).status, 200);
    const firstSlow = await post(room, slow!, { id: randomUUID(), content: "first" });
    assert.equal(firstSlow.status, 201);
    const secondSlow = await api<ErrorBody>(server.url, "POST", `/api/rooms/${room}/messages`, { token: slow!.token, body: { id: randomUUID(), content: "second" } });
    assert.deepEqual([secondSlow.status, secondSlow.body.error.code], [429, "RATE_LIMITED"]);

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.deepEqual(
      history.body.messages.filter((m) => m.kind !== "system").map((m) => m.content),
      ["first"],
      "nothing refused was stored",
    );
  });

  test("the per-user rate limit answers 429 with Retry-After; a resend of a stored message is still answered", async () => {
    const room = await createRoom(server.url, owner);
    const sender = await registerUser(server.url, "fast");
    assert.equal((await join(room, sender)).status, 200);
    const firstId = randomUUID();
    const statuses: number[] = [];
    for (let i = 0; i < RATE + 2; i++) statuses.push((await post(room, sender, { id: i === 0 ? firstId : randomUUID(), content: `n${i}` })).status);
    assert.deepEqual(statuses.slice(0, RATE), Array(RATE).fill(201));
    assert.deepEqual(statuses.slice(RATE), [429, 429]);
    const res = await fetch(`${server.url}/api/rooms/${room}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${sender.token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: randomUUID(), content: "one more" }),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get("retry-after")) > 0);
    assert.equal(((await res.json()) as ErrorBody).error.code, "RATE_LIMITED");
    const resend = await post(room, sender, { id: firstId, content: "n0" });
    assert.equal(resend.status, 200, "the stored message, not a refusal");
    assert.equal(resend.body.content, "n0");
  });

  test("slow mode says so: RATE_LIMITED with reason slow_mode on the socket and over REST; the per-user limit gives no reason", async () => {
    const [paced, fast] = await Promise.all(["paced", "hasty"].map((p) => registerUser(server.url, p)));
    const slowRoom = await roomWithMembers(server, owner, [paced!]);
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${slowRoom}`, { token: owner.token, body: { slow_mode_s: 60 } })).status, 200);
    const ps = await connect(server, paced!, { join: [slowRoom] });
    assert.equal((await ps.request({ type: "send", id: randomUUID(), room: slowRoom, content: "first" })).type, "ack");
    const onSocket = await ps.request({ type: "send", id: randomUUID(), room: slowRoom, content: "second" });
    assert.deepEqual(onSocket.type === "error" && [onSocket.code, onSocket.retryable, onSocket.reason], ["RATE_LIMITED", true, "slow_mode"]);
    const overRest = await post<ErrorBody>(slowRoom, paced!, { id: randomUUID(), content: "third" });
    assert.deepEqual([overRest.status, overRest.body.error.code, overRest.body.error.reason], [429, "RATE_LIMITED", "slow_mode"]);

    const room = await roomWithMembers(server, owner, [fast!]);
    const fs = await connect(server, fast!, { join: [room] });
    for (let i = 0; i < RATE; i++) assert.equal((await fs.request({ type: "send", id: randomUUID(), room, content: `n${i}` })).type, "ack");
    const limited = await fs.request({ type: "send", id: randomUUID(), room, content: "one too many" });
    assert.equal(limited.type === "error" && limited.code, "RATE_LIMITED");
    assert.equal(limited.type === "error" && "reason" in limited, false, "the per-user limit is not slow mode");
    const limitedRest = await post<ErrorBody>(room, fast!, { id: randomUUID(), content: "and another" });
    assert.deepEqual([limitedRest.status, limitedRest.body.error.code, "reason" in limitedRest.body.error], [429, "RATE_LIMITED", false]);
    await Promise.all([ps.close(), fs.close()]);
  });

  test("validation, authentication, unknown rooms and cross-site posts", async () => {
    const room = await createRoom(server.url, owner);
    const empty = await post<ErrorBody>(room, owner, { id: randomUUID(), content: "   " });
    assert.deepEqual([empty.status, empty.body.error.code, empty.body.error.field], [400, "INVALID", "content"]);
    const noId = await post<ErrorBody>(room, owner, { content: "hi" });
    assert.deepEqual([noId.status, noId.body.error.field], [400, "id"]);
    const anonymous = await post<ErrorBody>(room, null, { id: randomUUID(), content: "hi" });
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, "UNAUTHENTICATED"]);
    const nowhere = await post<ErrorBody>(randomUUID(), owner, { id: randomUUID(), content: "hi" });
    assert.deepEqual([nowhere.status, nowhere.body.error.code], [404, "NOT_FOUND"]);
    const forged = await post<ErrorBody>(room, owner, { id: randomUUID(), content: "hi" }, { origin: "https://evil.example" });
    assert.deepEqual([forged.status, forged.body.error.code], [403, "FORBIDDEN"]);
  });
});
