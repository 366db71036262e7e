import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";
import { SseClient } from "../support/sse";

let server: TestServer;
let owner: TestUser;

before(async () => {
  // Short heartbeats so the heartbeat test waits a moment, not 15 s; they are comments, which
  // every other test's parser skips.
  server = await startServer({ SSE_HEARTBEAT_MS: "200", SSE_RETRY_MS: "1500" });
  [owner] = await users(server, ["owner"]);
});
after(() => server.stop());

const send = async (s: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}) => {
  const ack = await s.request({ type: "send", id: randomUUID(), room, content, ...extra });
  if (ack.type !== "ack") throw new Error(`send failed: ${JSON.stringify(ack)}`);
  return ack.message;
};
const history = async (room: string, user: TestUser, after: number) =>
  (await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?after=${after}&limit=200`, { token: user.token })).body.messages;

describe("room event stream", () => {
  test("headers, retry hint, and every event type with its id and the socket frame as data", async () => {
    const room = await createRoom(server.url, owner);
    const member = await registerUser(server.url, "member");
    const o = await connect(server, owner, { join: [room] });
    const m = await connect(server, member, { join: [room] });
    const stream = await SseClient.open(server.url, room, { token: owner.token });
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers["content-type"]), /^text\/event-stream/);
      assert.match(String(stream.headers["cache-control"]), /no-cache/);
      assert.equal(stream.headers["x-accel-buffering"], "no");

      const sent = await send(m, room, "hello stream");
      const message = await stream.next((e) => e.event === "message" && e.data.type === "message" && e.data.message.id === sent.id);
      assert.equal(stream.retry, 1500, "the retry hint comes first");
      assert.equal(message.id, String(sent.seq));
      const socketCopy = await o.next((f) => f.type === "message" && f.message.id === sent.id);
      assert.deepEqual(message.data, socketCopy, "data is the socket frame");

      await m.request({ type: "react", room, message: sent.id, emoji: "👍", op: "add" });
      const reaction = await stream.next("reaction");
      assert.equal(reaction.id, String(sent.seq), "an ephemeral event repeats the position before it");
      assert.deepEqual(reaction.data, await o.next("reaction"));

      m.send({ type: "typing", room, state: "start" });
      const typing = await stream.next((e) => e.event === "typing" && e.data.type === "typing" && e.data.users.includes(member.id));
      assert.equal(typing.id, String(sent.seq));

      await m.request({ type: "edit", room, message: sent.id, content: "hello, edited" });
      const updated = await stream.next("message_updated");
      assert.equal(updated.id, String(sent.seq));
      assert.equal(updated.data.type === "message_updated" && updated.data.message.content, "hello, edited");

      await m.request({ type: "delete", room, message: sent.id });
      const deleted = await stream.next("message_deleted");
      assert.equal(deleted.id, String(sent.seq));

      const later = await send(m, room, "after the delete");
      const laterEvent = await stream.next((e) => e.data.type === "message" && e.data.message.id === later.id);
      assert.equal(laterEvent.id, String(later.seq));
      assert.ok(
        stream.events.every((e) => e.id !== undefined && ["message", "message_updated", "message_deleted", "typing", "reaction"].includes(e.event)),
        "every event has an id and is one of the stream's types",
      );
    } finally {
      stream.close();
    }
  });

  test("a private message reaches only its two people's streams", async () => {
    const room = await createRoom(server.url, owner);
    const [a, b, c] = await users(server, ["pa", "pb", "pc"]);
    const sockets = await Promise.all([a, b, c].map((u) => connect(server, u, { join: [room] })));
    const [sb, sc] = await Promise.all([SseClient.open(server.url, room, { token: b.token }), SseClient.open(server.url, room, { token: c.token })]);
    try {
      const secret = await send(sockets[0]!, room, "for b only", { to: b.id });
      const open = await send(sockets[0]!, room, "for everyone");
      await sb.next((e) => e.data.type === "message" && e.data.message.id === open.id);
      await sc.next((e) => e.data.type === "message" && e.data.message.id === open.id);
      assert.ok(sb.messages().some((msg) => msg.id === secret.id));
      assert.ok(!sc.messages().some((msg) => msg.id === secret.id), "c never sees it");
    } finally {
      sb.close();
      sc.close();
    }
  });

  test("Last-Event-ID resumes exactly after that event: missed messages from the database, then live, none twice", async () => {
    const room = await createRoom(server.url, owner);
    const o = await connect(server, owner, { join: [room] });
    const first = await SseClient.open(server.url, room, { token: owner.token });
    await send(o, room, "one");
    const two = await send(o, room, "two");
    await first.next((e) => e.data.type === "message" && e.data.message.id === two.id);
    const resumeAt = first.lastEventId!;
    assert.equal(resumeAt, String(two.seq));
    first.close();

    const missed = [await send(o, room, "three"), await send(o, room, "four")];
    // Sends keep landing while the stream reconnects: the switch from replay to live must
    // neither lose nor repeat any of them.
    const burst = Array.from({ length: 20 }, (_, i) => send(o, room, `burst ${i}`));
    const resumed = await SseClient.open(server.url, room, { token: owner.token, lastEventId: resumeAt });
    const burstSent = await Promise.all(burst);
    const last = await send(o, room, "live after the resume");
    try {
      await resumed.next((e) => e.data.type === "message" && e.data.message.id === last.id);
      const expected = (await history(room, owner, two.seq)).map((msg) => msg.seq);
      assert.deepEqual(resumed.messages().map((msg) => msg.seq), expected, "every message after the resume point, once, in seq order");
      assert.deepEqual(resumed.messages().slice(0, 2).map((msg) => msg.id), missed.map((msg) => msg.id), "starting with the missed ones");
      assert.ok(burstSent.every((msg) => resumed.messages().some((r) => r.id === msg.id)));
      assert.deepEqual(
        resumed.events.filter((e) => e.event === "message").map((e) => e.id),
        expected.map(String),
      );

      // `?last_event_id=` does the same for clients that cannot set headers.
      const byQuery = await SseClient.open(server.url, room, { token: owner.token, query: { last_event_id: String(last.seq - 1) } });
      const replayed = await byQuery.next("message");
      assert.equal(replayed.id, String(last.seq));
      byQuery.close();

      const bad = await SseClient.open(server.url, room, { token: owner.token, lastEventId: "not-an-id" });
      assert.equal(bad.status, 400);
    } finally {
      resumed.close();
      await o.close();
    }
  });

  test("heartbeat comments keep an idle stream open", async () => {
    const room = await createRoom(server.url, owner);
    const stream = await SseClient.open(server.url, room, { token: owner.token });
    await stream.nextComments(2);
    assert.equal(stream.events.length, 0, "heartbeats are comments, not events");
    stream.close();
  });

  test("credentials: Bearer, ?token= or none; outsiders get what history gives them", async () => {
    const priv = await createRoom(server.url, owner, "private");
    const outsider = await registerUser(server.url, "outsider");

    const byQuery = await SseClient.open(server.url, priv, { query: { token: owner.token } });
    assert.equal(byQuery.status, 200, "?token= authenticates");
    const o = await connect(server, owner, { join: [priv] });
    const sent = await send(o, priv, "via query token");
    await byQuery.next((e) => e.data.type === "message" && e.data.message.id === sent.id);
    byQuery.close();
    await o.close();

    const anonymous = await SseClient.open(server.url, priv);
    assert.equal(anonymous.status, 401);
    assert.equal((JSON.parse(anonymous.body) as { error: { code: string } }).error.code, "UNAUTHENTICATED");

    for (const path of [priv, randomUUID(), "not-a-uuid"]) {
      const stream = await SseClient.open(server.url, path, { token: outsider.token });
      const historyAnswer = await api<{ error: { code: string } }>(server.url, "GET", `/api/rooms/${path}/messages`, { token: outsider.token });
      assert.equal(stream.status, historyAnswer.status, `same status as history for ${path}`);
      assert.equal((JSON.parse(stream.body) as { error: { code: string } }).error.code, historyAnswer.body.error.code);
    }
  });

  test("a kick or a ban ends the reader's stream; a banned reader cannot reconnect", async () => {
    const room = await createRoom(server.url, owner);
    const [kicked, banned] = await Promise.all([registerUser(server.url, "kicked"), registerUser(server.url, "banned")]);
    for (const user of [kicked, banned]) {
      const s = await TestSocket.connect(server.wsUrl, user);
      await s.join(room);
      await s.close();
    }
    const [kickedStream, bannedStream] = await Promise.all([SseClient.open(server.url, room, { token: kicked.token }), SseClient.open(server.url, room, { token: banned.token })]);
    const moderate = (body: Record<string, unknown>) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });
    assert.equal((await moderate({ action: "kick", user: kicked.id })).status, 200);
    assert.equal(await kickedStream.ended, true, "ended cleanly");
    assert.equal(bannedStream.endedCleanly, null, "the other reader still streams");
    assert.equal((await moderate({ action: "ban", user: banned.id })).status, 200);
    assert.equal(await bannedStream.ended, true);
    const again = await SseClient.open(server.url, room, { token: banned.token });
    assert.equal(again.status, 403);
  });
});

describe("shutdown", () => {
  test("SIGTERM ends open streams cleanly and the process exits 0", async () => {
    const own = await startServer();
    const user = await registerUser(own.url);
    const room = await createRoom(own.url, user);
    const stream = await SseClient.open(own.url, room, { token: user.token });
    assert.equal(stream.status, 200);
    const [code, clean] = await Promise.all([own.stop("SIGTERM"), stream.ended]);
    assert.equal(clean, true, "the response was finished, not cut");
    assert.equal(code, 0);
  });
});
