import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

const TYPING_TTL_MS = 1500;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  server = await startServer({ TYPING_TTL_MS: String(TYPING_TTL_MS) });
  await registerUser(server.url, "siteadmin"); // the first user administers the site; keep the others plain
  [alice, bob, carol] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob"), registerUser(server.url, "carol")]);
});
after(() => server.stop());

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

async function roomWith(...users: TestUser[]) {
  const room = await createRoom(server.url, users[0]!);
  const sockets: TestSocket[] = [];
  for (const user of users) {
    const s = await TestSocket.connect(server.wsUrl, user);
    await s.join(room);
    sockets.push(s);
  }
  return { room, sockets };
}

const send = async (s: TestSocket, room: string, content: string) => {
  const ack = await s.request({ type: "send", id: randomUUID(), room, content });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as Frame<"ack">).message;
};
const closeAll = (sockets: TestSocket[]) => Promise.all(sockets.map((s) => s.close()));

describe("typing", () => {
  test("the room (not the typist) sees who types, and it expires after the TTL", async () => {
    const { room, sockets } = await roomWith(alice, bob, carol);
    const [a, b, c] = sockets as [TestSocket, TestSocket, TestSocket];
    const from = b.frames.length;
    a.send({ type: "typing", room, state: "start" });
    const seen = (await b.next((f) => f.type === "typing" && f.users.length > 0, { fromIndex: from })) as Frame<"typing">;
    assert.deepEqual(seen.users, [alice.id]);
    assert.deepEqual(seen.names, { [alice.id]: alice.username });
    await c.next((f) => f.type === "typing" && f.users.includes(alice.id));

    // Bob joining now gets the current typists in `joined`.
    const b2 = await TestSocket.connect(server.wsUrl, bob);
    assert.deepEqual((await b2.join(room)).typing, [alice.id]);

    const started = Date.now();
    await b.next((f) => f.type === "typing" && f.users.length === 0, { fromIndex: from, timeoutMs: TYPING_TTL_MS * 3 });
    assert.ok(Date.now() - started >= TYPING_TTL_MS * 0.8, "not before the TTL");
    assert.ok(!a.frames.some((f) => f.type === "typing"), "the typist is never told about themselves");
    await closeAll([...sockets, b2]);
  });

  test("repeated starts keep the indicator alive; stop and sending clear it at once", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    a.send({ type: "typing", room, state: "start" });
    await b.next((f) => f.type === "typing" && f.users.includes(alice.id));
    for (let i = 0; i < 3; i++) {
      await sleep(TYPING_TTL_MS / 2);
      a.send({ type: "typing", room, state: "start" });
    }
    assert.ok(!b.frames.some((f) => f.type === "typing" && f.users.length === 0), "still typing after 1.5 TTLs of starts");
    let from = b.frames.length;
    a.send({ type: "typing", room, state: "stop" });
    await b.next((f) => f.type === "typing" && f.users.length === 0, { fromIndex: from, timeoutMs: TYPING_TTL_MS / 2 });

    a.send({ type: "typing", room, state: "start" });
    await b.next((f) => f.type === "typing" && f.users.includes(alice.id), { fromIndex: from + 1 });
    from = b.frames.length;
    await send(a, room, "done typing");
    await b.next((f) => f.type === "typing" && f.users.length === 0, { fromIndex: from, timeoutMs: TYPING_TTL_MS / 2 });
    await closeAll(sockets);
  });

  test("typing in a room one has not joined is refused", async () => {
    const room = await createRoom(server.url, alice);
    const c = await TestSocket.connect(server.wsUrl, carol);
    const err = await c.request({ type: "typing", room, state: "start" });
    assert.equal(err.type === "error" && err.code, "NOT_IN_ROOM");
    await c.close();
  });
});

describe("read receipts and unread counts", () => {
  test("read moves the cursor forward only, the room gets receipts, unread follows", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    // Seq 1 is bob's join line; "one" is 2.
    for (const content of ["one", "two", "three"]) await send(a, room, content);
    await send(b, room, "bob's own");

    const unread = async (user: TestUser) =>
      (await api<{ rooms: Array<{ id: string; unread: number }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: user.token })).body.rooms.find((r) => r.id === room)!.unread;
    assert.equal(await unread(bob), 3, "own messages never count");
    assert.equal(await unread(alice), 1);

    b.send({ type: "read", room, seq: 3 });
    const receipt = (await a.next((f) => f.type === "receipt" && f.user === bob.id && f.status === "seen")) as Frame<"receipt">;
    assert.equal(receipt.seq, 3);
    assert.ok(!Number.isNaN(Date.parse(receipt.at)));
    assert.equal(await unread(bob), 1);

    const before = a.frames.length;
    b.send({ type: "read", room, seq: 1 });
    const stale = await b.request({ type: "ping" });
    assert.equal(stale.type, "pong");
    await sleep(100);
    assert.ok(!a.frames.slice(before).some((f) => f.type === "receipt" && f.status === "seen"), "moving back is a no-op");
    assert.equal(await unread(bob), 1);

    const beyond = await b.request({ type: "read", room, seq: 99 });
    assert.equal(beyond.type === "error" && beyond.code, "INVALID");
    assert.equal(beyond.type === "error" && beyond.field, "seq");
    assert.equal(await unread(bob), 1, "a refused read changes nothing");

    const b2 = await TestSocket.connect(server.wsUrl, bob);
    const joined = await b2.join(room);
    assert.equal(joined.reads[bob.id], 3);
    assert.equal(joined.delivered?.[bob.id], 3, "reading implies delivery");
    await closeAll([...sockets, b2]);
  });

  test("delivered receipts advance separately from seen", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    const m = await send(a, room, "hello");
    b.send({ type: "delivered", room, seq: m.seq });
    const receipt = (await a.next((f) => f.type === "receipt" && f.status === "delivered")) as Frame<"receipt">;
    assert.deepEqual([receipt.user, receipt.seq], [bob.id, m.seq]);
    await closeAll(sockets);
  });
});

describe("reactions", () => {
  test("idempotent per (message, user, emoji), broadcast with count and users, returned with history", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    const m = await send(a, room, "react to me");

    const first = await b.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" });
    assert.equal(first.type, "ack");
    assert.deepEqual((first as Frame<"ack">).message.reactions, [{ emoji: "👍", count: 1, users: [bob.id] }]);
    await b.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" });
    await a.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" });
    const last = (await b.next((f) => f.type === "reaction" && f.count === 2)) as Frame<"reaction">;
    assert.deepEqual(last.users, [bob.id, alice.id]);
    await sleep(100);
    assert.equal(a.frames.filter((f) => f.type === "reaction").length, 2, "the repeated add was not broadcast");

    await b.request({ type: "react", room, message: m.id, emoji: "👍🏽", op: "add" });
    await b.request({ type: "react", room, message: m.id, emoji: "👍", op: "remove" });
    await a.next((f) => f.type === "reaction" && f.emoji === "👍" && f.count === 1);

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    assert.deepEqual(history.body.messages.find((x) => x.id === m.id)!.reactions, [
      { emoji: "👍", count: 1, users: [alice.id] },
      { emoji: "👍🏽", count: 1, users: [bob.id] },
    ]);
    await closeAll(sockets);
  });

  test("bad emoji and messages of another room are refused and change nothing", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    const m = await send(a, room, "target");
    const other = await roomWith(alice);
    const elsewhere = await send(other.sockets[0]!, other.room, "elsewhere");
    for (const emoji of ["hello", "👍👍", "", "x".repeat(40), "<script>"]) {
      const res = await b.request({ type: "react", room, message: m.id, emoji, op: "add" });
      assert.equal(res.type === "error" && res.code, "INVALID", emoji);
    }
    const cross = await b.request({ type: "react", room, message: elsewhere.id, emoji: "🎉", op: "add" });
    assert.equal(cross.type === "error" && cross.code, "NOT_FOUND");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${other.room}/messages`, { token: alice.token });
    assert.equal(history.body.messages[0]!.reactions, undefined);
    await closeAll([...sockets, ...other.sockets]);
  });
});

describe("edits, deletes and replies", () => {
  test("authors edit and delete their own messages; others are refused", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    const m = await send(a, room, "typo");
    const reply = (await b.request({ type: "send", id: randomUUID(), room, content: "a reply", reply_to: m.id })) as Frame<"ack">;
    assert.equal(reply.message.reply_to, m.id);

    const forbidden = await b.request({ type: "edit", room, message: m.id, content: "hijacked" });
    assert.equal(forbidden.type === "error" && forbidden.code, "FORBIDDEN");
    const forbiddenDelete = await b.request({ type: "delete", room, message: m.id });
    assert.equal(forbiddenDelete.type === "error" && forbiddenDelete.code, "FORBIDDEN");

    const edited = (await a.request({ type: "edit", room, message: m.id, content: "fixed" })) as Frame<"ack">;
    assert.equal(edited.message.content, "fixed");
    assert.ok(edited.message.edited_at);
    const updated = (await b.next("message_updated")) as Frame<"message_updated">;
    assert.equal(updated.message.content, "fixed");
    assert.equal(updated.message.seq, m.seq);

    const deleted = (await a.request({ type: "delete", room, message: m.id })) as Frame<"ack">;
    assert.equal(deleted.message.deleted, true);
    const tomb = (await b.next("message_deleted")) as Frame<"message_deleted">;
    assert.deepEqual([tomb.message.id, tomb.message.content, tomb.message.deleted], [m.id, "", true]);
    const editDeleted = await a.request({ type: "edit", room, message: m.id, content: "back" });
    assert.equal(editDeleted.type === "error" && editDeleted.code, "NOT_FOUND");

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: bob.token });
    assert.deepEqual(
      history.body.messages.filter((x) => x.kind !== "system").map((x) => [x.content, x.deleted ?? false]),
      [["", true], ["a reply", false]],
    );
    await closeAll(sockets);
  });
});

describe("presence and membership", () => {
  test("online while any tab is open; offline with last_seen when the last closes; only to people who share a room", async () => {
    const { room, sockets } = await roomWith(bob, alice);
    const [b, a1] = sockets as [TestSocket, TestSocket];
    const outsider = await TestSocket.connect(server.wsUrl, carol);
    const carolRoom = await createRoom(server.url, carol);
    await outsider.join(carolRoom);

    const joined = await (await TestSocket.connect(server.wsUrl, carol)).join(room);
    assert.equal(joined.presence?.[alice.id]?.status, "online");

    const a2 = await TestSocket.connect(server.wsUrl, alice);
    a2.send({ type: "presence", status: "dnd" });
    await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "dnd");
    await a2.close();
    await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "online");
    await sleep(200);
    assert.ok(!b.frames.some((f) => f.type === "presence" && f.user === alice.id && f.status === "offline"), "one tab left: still online");

    await a1.close();
    const offline = (await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "offline")) as Frame<"presence">;
    assert.ok(offline.last_seen && Date.now() - Date.parse(offline.last_seen) < 10_000);
    assert.ok(!outsider.frames.some((f) => f.type === "presence" && f.user === alice.id), "no shared room, no presence");
    await closeAll([b, outsider]);
  });

  test("a chosen status applies to all of the user's tabs; idle is per tab", async () => {
    const { sockets } = await roomWith(bob, alice);
    const [b, a1] = sockets as [TestSocket, TestSocket];
    const a2 = await TestSocket.connect(server.wsUrl, alice);
    const statusOf = (from: number) => b.frames.slice(from).flatMap((f) => (f.type === "presence" && f.user === alice.id ? [f.status] : []));
    let from = b.frames.length;
    a1.send({ type: "presence", status: "away" });
    await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "away", { fromIndex: from });
    // a2 never chose anything, yet alice is away: the choice covered both tabs.
    from = b.frames.length;
    a1.send({ type: "presence", status: "online" });
    await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "online", { fromIndex: from });
    // One idle tab does not make the user idle while the other tab is active...
    from = b.frames.length;
    a1.send({ type: "presence", status: "idle" });
    await a1.request({ type: "ping" }); // frames of one socket are handled in order
    await sleep(100);
    assert.deepEqual(statusOf(from), [], "still online through the other tab");
    // ...but every tab idle does.
    a2.send({ type: "presence", status: "idle" });
    await b.next((f) => f.type === "presence" && f.user === alice.id && f.status === "idle", { fromIndex: from });
    assert.ok(!statusOf(from).includes("offline"));
    await closeAll([b, a1, a2]);
  });

  test("a user's other sockets hear about rooms they were added to", async () => {
    const a = await TestSocket.connect(server.wsUrl, alice);
    const c = await TestSocket.connect(server.wsUrl, carol);
    const dm = await api<{ id: string }>(server.url, "POST", "/api/dms", { token: alice.token, body: { user: carol.id } });
    const added = await c.next((f) => f.type === "room_added" && f.room.id === dm.body.id);
    assert.equal(added.type === "room_added" && added.room.visibility, "direct");
    const created = await createRoom(server.url, alice);
    await a.next((f) => f.type === "room_added" && f.room.id === created);
    await closeAll([a, c]);
  });

  test("one message can be fetched by id, by those who may read it", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a] = sockets as [TestSocket, TestSocket];
    const m = await send(a, room, "the parent");
    const got = await api<{ message: Message }>(server.url, "GET", `/api/rooms/${room}/messages/${m.id}`, { token: bob.token });
    assert.equal(got.body.message.content, "the parent");
    const secret = (await a.request({ type: "send", id: randomUUID(), room, content: "only bob", to: bob.id })) as Frame<"ack">;
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}/messages/${secret.message.id}`, { token: carol.token })).status, 404);
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}/messages/${randomUUID()}`, { token: bob.token })).status, 404);
    await closeAll(sockets);
  });

  test("leaving a room tells its members", async () => {
    const { room, sockets } = await roomWith(alice, bob);
    const [a, b] = sockets as [TestSocket, TestSocket];
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/leave`, { token: bob.token })).status, 204);
    await a.next((f) => f.type === "member" && f.event === "left" && f.user.id === bob.id);
    await b.next((f) => f.type === "member" && f.event === "left" && f.user.id === bob.id);
    await send(a, room, "after bob left");
    const stillJoined = await b.request({ type: "typing", room, state: "start" });
    assert.equal(stillJoined.type === "error" && stillJoined.code, "NOT_IN_ROOM", "bob's socket left the room too");
    assert.ok(!b.messages(room).some((m) => m.content === "after bob left"));
    const owner = await api<{ error: { code: string } }>(server.url, "POST", `/api/rooms/${room}/leave`, { token: alice.token });
    assert.equal(owner.status, 403);
    await waitFor(async () => (await api<{ members: unknown[] }>(server.url, "GET", `/api/rooms/${room}`, { token: alice.token })).body.members.length === 1);
    await closeAll(sockets);
  });
});
