import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { MAX_FRAME_BYTES, REPLAY_LIMIT, type Message, type ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  // Bulk sends below outrun the per-socket send budget; the budgets have their own tests.
  server = await startServer({ FRAME_RATE_SCALE: "20" });
  await registerUser(server.url, "siteadmin"); // the first user administers the site; keep the others plain
  [alice, bob, carol] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob"), registerUser(server.url, "carol")]);
});
after(() => server.stop());

const ackOf = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", `expected ack, got ${JSON.stringify(frame)}`);
  return (frame as Extract<ServerFrame, { type: "ack" }>).message;
};

describe("rooms over REST", () => {
  test("creator is owner; public rooms are listed and searchable; private rooms are not", async () => {
    const pub = await createRoom(server.url, alice, "public", `lobby-${randomUUID().slice(0, 8)}`);
    const priv = await createRoom(server.url, alice, "private");
    const detail = await api<{ members: Array<{ id: string; role: string }>; settings: object }>(server.url, "GET", `/api/rooms/${pub}`, { token: alice.token });
    assert.deepEqual(detail.body.members, [{ id: alice.id, username: alice.username, role: "owner", muted_until: null, muted_reason: null }]);

    const publicList = await api<{ rooms: Array<{ id: string }> }>(server.url, "GET", "/api/rooms?scope=public", { token: bob.token });
    assert.ok(publicList.body.rooms.some((r) => r.id === pub));
    assert.ok(!publicList.body.rooms.some((r) => r.id === priv));

    const name = (await api<{ name: string }>(server.url, "GET", `/api/rooms/${pub}`, { token: bob.token })).body.name;
    const search = await api<{ rooms: Array<{ id: string }> }>(server.url, "GET", `/api/rooms?q=${encodeURIComponent(name.slice(0, 12))}`, { token: bob.token });
    assert.deepEqual(search.body.rooms.map((r) => r.id), [pub]);
    const byMember = await api<{ rooms: Array<{ id: string }> }>(server.url, "GET", `/api/rooms?scope=public&q=${alice.username}`, { token: bob.token });
    assert.ok(byMember.body.rooms.some((r) => r.id === pub));
    const topical = await api<{ id: string }>(server.url, "POST", "/api/rooms", { token: alice.token, body: { name: "misc", visibility: "public", topic: `zeppelins ${pub}` } });
    const byTopic = await api<{ rooms: Array<{ id: string }> }>(server.url, "GET", `/api/rooms?q=${encodeURIComponent(`zeppelins ${pub}`)}`, { token: bob.token });
    assert.deepEqual(byTopic.body.rooms.map((r) => r.id), [topical.body.id]);

    const mine = await api<{ rooms: Array<{ id: string; role: string; unread: number }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: alice.token });
    assert.deepEqual(
      mine.body.rooms.filter((r) => r.id === pub || r.id === priv).map((r) => [r.role, r.unread]),
      [["owner", 0], ["owner", 0]],
    );

    const invalid = await api<{ error: { code: string; field: string } }>(server.url, "POST", "/api/rooms", { token: alice.token, body: { name: "", visibility: "secret" } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, "INVALID");
    assert.equal((await api(server.url, "GET", `/api/rooms/${randomUUID()}`, { token: alice.token })).status, 404);
    assert.equal((await api(server.url, "GET", "/api/rooms/not-a-uuid", { token: alice.token })).status, 404);
  });
});

describe("chat over the socket", () => {
  test("send is acked with the stored message after commit, then broadcast to the room", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    const b = await TestSocket.connect(server.wsUrl, bob);
    await a.join(room);
    const joined = await b.join(room);
    assert.equal(joined.seq, 1, "bob's join line is the room's first message");
    assert.deepEqual(joined.members.map((m) => m.id).sort(), [alice.id, bob.id].sort());
    assert.ok(a.frames.some((f) => f.type === "member" && f.user.id === bob.id && f.event === "joined"));

    const id = randomUUID();
    const message = ackOf(await a.request({ type: "send", id, room, content: "hello <b>bob</b>" }));
    assert.equal(message.seq, 2);
    assert.equal(message.client_id, id);
    assert.equal(message.sender, alice.id);
    assert.equal(message.content, "hello <b>bob</b>");

    const received = await b.next((f) => f.type === "message" && f.message.id === message.id);
    assert.deepEqual((received as Extract<ServerFrame, { type: "message" }>).message, message);
    await a.next((f) => f.type === "message" && f.message.id === message.id);

    const reply = ackOf(await b.request({ type: "send", id: randomUUID(), room, content: "hi alice", reply_to: message.id }));
    assert.equal(reply.seq, 3);
    assert.equal(reply.reply_to, message.id);

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: bob.token });
    assert.deepEqual(history.body.messages.map((m) => [m.seq, m.kind]), [[1, "system"], [2, "text"], [3, "text"]]);
    await Promise.all([a.close(), b.close()]);
  });

  test("resending the same client id returns the same ack and stores nothing new", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    const b = await TestSocket.connect(server.wsUrl, bob);
    await a.join(room);
    await b.join(room);
    const id = randomUUID();
    const first = ackOf(await a.request({ type: "send", id, room, content: "once" }));
    const second = ackOf(await a.request({ type: "send", id, room, content: "once" }));
    assert.deepEqual(second, first);

    // A retry from another socket of the same user (e.g. after a reconnect) is the same message too.
    const a2 = await TestSocket.connect(server.wsUrl, alice);
    await a2.join(room);
    assert.deepEqual(ackOf(await a2.request({ type: "send", id, room, content: "once" })), first);

    const next = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "twice" }));
    assert.equal(next.seq, first.seq + 1, "seq stays gap-free after idempotent retries");
    await sleep(200);
    assert.equal(b.messages(room).filter((m) => m.id === first.id).length, 1, "receivers get the message once");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    assert.deepEqual(history.body.messages.filter((m) => m.kind !== "system").map((m) => m.content), ["once", "twice"]);
    await Promise.all([a.close(), a2.close(), b.close()]);
  });

  test("concurrent sends get distinct, gap-free seqs", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    const b = await TestSocket.connect(server.wsUrl, bob);
    await a.join(room);
    const { seq: base } = await b.join(room);
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).request({ type: "send", id: randomUUID(), room, content: `m${i}` }, 10_000)),
    );
    const seqs = acks.map((f) => ackOf(f).seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => base + i + 1));
    await Promise.all([a.close(), b.close()]);
  });

  test("a client that re-joins with `since` gets exactly what it missed", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    await a.join(room);
    let b = await TestSocket.connect(server.wsUrl, bob);
    await b.join(room);
    ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "before" }));
    await b.next((f) => f.type === "message" && f.message.content === "before");
    const lastSeen = Math.max(...b.messages(room).map((m) => m.seq));
    await b.close();

    const missed = [];
    for (const content of ["while away 1", "while away 2", "while away 3"]) {
      missed.push(ackOf(await a.request({ type: "send", id: randomUUID(), room, content })));
    }

    b = await TestSocket.connect(server.wsUrl, bob);
    const joined = await b.join(room, lastSeen);
    assert.equal(joined.seq, lastSeen + 3);
    await b.next((f) => f.type === "message" && f.message.content === "while away 3");
    await sleep(100);
    assert.deepEqual(b.messages(room).map((m) => m.id), missed.map((m) => m.id));
    const joinedAt = b.frames.findIndex((f) => f.type === "joined");
    const firstReplay = b.frames.findIndex((f) => f.type === "message");
    assert.ok(joinedAt < firstReplay, "joined comes before the replay");

    // Live traffic after the replay still flows, once.
    const live = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "live again" }));
    await b.next((f) => f.type === "message" && f.message.id === live.id);
    await Promise.all([a.close(), b.close()]);
  });

  test("a replay beyond the bound sends the newest messages and a gap for the rest", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    await a.join(room);
    const total = REPLAY_LIMIT + 5;
    // In batches: a socket may only have a bounded number of frames in flight.
    for (let i = 1; i <= total; i++) {
      a.send({ type: "send", id: randomUUID(), room, content: `bulk ${i}` });
      if (i % 40 === 0 || i === total) await a.next((f) => f.type === "ack" && f.message.seq === i, { timeoutMs: 30_000 });
    }

    // Bob's join line comes last, at total + 1.
    const b = await TestSocket.connect(server.wsUrl, bob);
    b.send({ type: "join", room, since: 0 });
    const gap = await b.next("gap");
    assert.deepEqual(gap, { type: "gap", room, from: 1, to: 6 });
    await b.next((f) => f.type === "message" && f.message.seq === total + 1);
    const seqs = b.messages(room).map((m) => m.seq);
    assert.equal(seqs.length, REPLAY_LIMIT);
    assert.equal(seqs[0], 7);

    const page = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?after=0&limit=5`, { token: bob.token });
    assert.deepEqual(page.body.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
    const older = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?before=10&limit=3`, { token: bob.token });
    assert.deepEqual(older.body.messages.map((m) => m.seq), [7, 8, 9]);
    const latest = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=2`, { token: bob.token });
    assert.deepEqual(latest.body.messages.map((m) => m.seq), [total, total + 1]);
    await Promise.all([a.close(), b.close()]);
  });

  test("a private message reaches only its sender and recipient, live and in history", async () => {
    const room = await createRoom(server.url, alice);
    const [a, b, c] = await Promise.all([alice, bob, carol].map((u) => TestSocket.connect(server.wsUrl, u)));
    for (const s of [a!, b!, c!]) await s.join(room);
    const secret = ackOf(await a!.request({ type: "send", id: randomUUID(), room, content: "psst bob", to: bob.id }));
    assert.equal(secret.to, bob.id);
    const open = ackOf(await a!.request({ type: "send", id: randomUUID(), room, content: "hello all" }));
    await b!.next((f) => f.type === "message" && f.message.id === secret.id);
    await c!.next((f) => f.type === "message" && f.message.id === open.id);
    assert.ok(!c!.messages(room).some((m) => m.id === secret.id), "carol never receives it live");

    const said = (messages: Message[]) => messages.filter((m) => m.kind !== "system").map((m) => m.id);
    const carolHistory = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: carol.token });
    assert.deepEqual(said(carolHistory.body.messages), [open.id]);
    const bobHistory = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: bob.token });
    assert.deepEqual(said(bobHistory.body.messages), [secret.id, open.id]);

    const c2 = await TestSocket.connect(server.wsUrl, carol);
    await c2.join(room, 0);
    await c2.next((f) => f.type === "message" && f.message.id === open.id);
    assert.ok(!c2.messages(room).some((m) => m.id === secret.id), "nor in a replay");

    const toOutsider = await a!.request({ type: "send", id: randomUUID(), room: room, content: "x", to: randomUUID() });
    assert.equal(toOutsider.type === "error" && toOutsider.code, "NOT_FOUND");
    await Promise.all([a!.close(), b!.close(), c!.close(), c2.close()]);
  });

  test("non-members are refused on a private room and nothing leaks", async () => {
    const room = await createRoom(server.url, alice, "private");
    const a = await TestSocket.connect(server.wsUrl, alice);
    await a.join(room);
    ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "members only" }));

    const b = await TestSocket.connect(server.wsUrl, bob);
    const refused = await b.request({ type: "join", room, since: 0 });
    assert.equal(refused.type === "error" && refused.code, "FORBIDDEN");
    const send = await b.request({ type: "send", id: randomUUID(), room, content: "let me in" });
    assert.equal(send.type === "error" && send.code, "NOT_IN_ROOM");
    assert.equal(b.messages().length, 0);
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}/messages`, { token: bob.token })).status, 403);
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}`, { token: bob.token })).status, 403);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    assert.equal(history.body.messages.length, 1);
    await Promise.all([a.close(), b.close()]);
  });

  test("invalid frames get a typed INVALID error naming the field and the socket stays open", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    await a.join(room);
    const cases: Array<[string, string | undefined]> = [
      ["{not json", undefined],
      [JSON.stringify({ type: "shout" }), "type"],
      [JSON.stringify({ type: "send", id: randomUUID(), room, content: "" }), "content"],
      [JSON.stringify({ type: "send", id: "not-a-uuid", room, content: "x" }), "id"],
      [JSON.stringify({ type: "send", id: randomUUID(), room, content: "x".repeat(5000) }), "content"],
      [JSON.stringify({ type: "join", room: "lobby" }), "room"],
      [JSON.stringify({ type: "send", id: randomUUID(), room, content: "x", kind: "video" }), "kind"],
    ];
    for (const [raw, field] of cases) {
      const from = a.frames.length;
      a.ws.send(raw);
      const err = await a.next("error", { fromIndex: from });
      assert.equal(err.type === "error" && err.code, "INVALID", raw);
      if (field) assert.equal(err.type === "error" && err.field, field, raw);
    }
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await a.next((f) => f.type === "error" && /binary/.test(f.message));

    const pong = await a.request({ type: "ping" });
    assert.equal(pong.type, "pong");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    assert.equal(history.body.messages.length, 0, "no invalid frame stored anything");
    await a.close();
  });

  test("a socket flooding frames faster than they are handled gets RATE_LIMITED, not unbounded memory", async () => {
    const room = await createRoom(server.url, alice);
    const a = await TestSocket.connect(server.wsUrl, alice);
    await a.join(room);
    // Each reply looks its parent up in the database before it takes its place, so the frames
    // (read from the socket in one or two turns) arrive faster than they are handled whatever
    // else the send path keeps cached.
    const parent = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "parent" }));
    for (let i = 0; i < 150; i++) a.send({ type: "send", id: randomUUID(), room, content: `flood ${i}`, reply_to: parent.id });
    const limited = await a.next((f) => f.type === "error" && f.code === "RATE_LIMITED", { timeoutMs: 10_000 });
    assert.equal(limited.type === "error" && limited.retryable, true);
    const acked = () => a.frames.filter((f) => f.type === "ack" && f.message.id !== parent.id).length;
    const refused = () => a.frames.filter((f) => f.type === "error" && f.code === "RATE_LIMITED").length;
    await waitFor(() => acked() + refused() === 150, { timeoutMs: 20_000, what: "an answer to every frame" });
    assert.ok(refused() > 0 && acked() >= 64);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=200`, { token: alice.token });
    assert.equal(history.body.messages.filter((m) => m.content.startsWith("flood ")).length, acked(), "what was refused was not stored");
    await a.close();
  });

  test("an oversize frame closes the socket with 1009 and the server keeps serving", async () => {
    const a = await TestSocket.connect(server.wsUrl, alice);
    a.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(MAX_FRAME_BYTES + 1) }));
    assert.equal(await a.closed, 1009);
    const again = await TestSocket.connect(server.wsUrl, alice);
    assert.equal((await again.request({ type: "ping" })).type, "pong");
    await again.close();
  });

  test("invalid UTF-8 closes with 1007", async () => {
    const a = await TestSocket.connect(server.wsUrl, alice);
    // ws validates UTF-8 on text frames; send raw bytes as a text frame.
    a.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.equal(await a.closed, 1007);
  });

  test("/ws/<roomId> joins that room on connect", async () => {
    const room = await createRoom(server.url, alice);
    const s = await TestSocket.open(`${server.wsUrl}/${room}`, { token: bob.token });
    const joined = await s.next("joined");
    assert.equal(joined.type === "joined" && joined.room, room);
    const msg = ackOf(await s.request({ type: "send", id: randomUUID(), room, content: "via path" }));
    assert.equal(msg.sender, bob.id);
    const left = await s.request({ type: "leave", room });
    assert.equal(left.type, "left");
    const after = await s.request({ type: "send", id: randomUUID(), room, content: "gone" });
    assert.equal(after.type === "error" && after.code, "NOT_IN_ROOM");
    await s.close();
  });
});
