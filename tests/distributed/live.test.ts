/**
 * Live room features across instances: typing, read receipts, reactions, edits/deletes and
 * presence travel from instance A to instance B through Redis (bus + presence store), with
 * both instances on one Postgres. The single-instance versions are in
 * tests/integration/live.test.ts. Run under scripts/with-services.sh
 * (`npm run test:distributed`), which provides DATABASE_URL and REDIS_URL.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const TYPING_TTL_MS = 1000;
// Short, to keep the offline waits quick, but not so short that an instance whose event loop is
// held up for a second under a loaded CI machine misses a refresh and flaps a user offline.
const PRESENCE_TTL_MS = 3000;
/** How often each instance refreshes its presence entries and sweeps expired ones. */
const PRESENCE_SWEEP_MS = PRESENCE_TTL_MS / 3;

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

const instanceEnv = () => ({ ...servicesEnv(), TYPING_TTL_MS: String(TYPING_TTL_MS), PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) });

let A: TestServer;
let B: TestServer;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

/** Connects and remembers the socket so `after` closes it even when a test fails midway. */
async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

/** Connects `user` to `server` and joins `room`. */
async function joined(server: TestServer, user: TestUser, room: string): Promise<TestSocket> {
  const socket = await connect(server, user);
  await socket.join(room);
  return socket;
}

const ackOf = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", `expected ack, got ${JSON.stringify(frame)}`);
  return (frame as Frame<"ack">).message;
};

const send = async (socket: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}) =>
  ackOf(await socket.request({ type: "send", id: randomUUID(), room, content, ...extra }));

/** What people said in the room, without its system lines (joins and the like). */
const history = async (server: TestServer, user: TestUser, room: string): Promise<Message[]> => {
  const res = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: user.token });
  assert.equal(res.status, 200, `history: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.messages.filter((m) => m.kind !== "system");
};

const unread = async (server: TestServer, user: TestUser, room: string): Promise<number> => {
  const res = await api<{ rooms: Array<{ id: string; unread: number }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: user.token });
  assert.equal(res.status, 200, `rooms: ${res.status} ${JSON.stringify(res.body)}`);
  const entry = res.body.rooms.find((r) => r.id === room);
  assert.ok(entry, `room ${room} missing from ${user.username}'s rooms`);
  return entry.unread;
};

const framesOf = <T extends ServerFrame["type"]>(socket: TestSocket, type: T, from = 0, match: (f: Frame<T>) => boolean = () => true): Array<Frame<T>> =>
  socket.frames.slice(from).filter((f): f is Frame<T> => f.type === type && match(f as Frame<T>));

before(async () => {
  // Concurrently, like the other distributed suite: both race to migrate (or find migrated) the database.
  const started = await Promise.allSettled([startServer(instanceEnv()), startServer(instanceEnv())]);
  for (const r of started) if (r.status === "fulfilled") servers.push(r.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  [A, B] = servers as [TestServer, TestServer];
  [alice, bob, carol] = await Promise.all([registerUser(A.url, "alice"), registerUser(B.url, "bob"), registerUser(A.url, "carol")]);
});

after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled(servers.map((s) => s.stop()));
});

describe("live features across two instances (Postgres + Redis)", () => {
  test("typing on A shows on B, expires there after the TTL, and a stop on A clears it at once", { timeout: 30_000 }, async (t) => {
    const room = await createRoom(A.url, alice);
    const typist = await joined(A, alice, room);
    const watcher = await joined(B, bob, room);
    const watcherOnA = await joined(A, carol, room);

    // 1. start on A → B sees it; then nothing more from the typist, and B's copy expires.
    let from = watcher.frames.length;
    typist.send({ type: "typing", room, state: "start" });
    const seen = (await watcher.next((f) => f.type === "typing" && f.room === room && f.users.length > 0, { fromIndex: from })) as Frame<"typing">;
    const seenAt = Date.now();
    assert.deepEqual(seen.users, [alice.id]);
    assert.deepEqual(seen.names, { [alice.id]: alice.username });
    await watcherOnA.next((f) => f.type === "typing" && f.users.includes(alice.id));

    // A second socket joining on B gets the current typists in `joined`.
    const lateOnB = await connect(B, carol);
    assert.deepEqual((await lateOnB.join(room)).typing, [alice.id], "joined.typing on B names the typist on A");

    const expired = (await watcher.next((f) => f.type === "typing" && f.room === room && f.users.length === 0, {
      fromIndex: from,
      timeoutMs: TYPING_TTL_MS * 3,
    })) as Frame<"typing">;
    const expiredAfter = Date.now() - seenAt;
    t.diagnostic(`typing expired on B ${expiredAfter} ms after it appeared (TTL ${TYPING_TTL_MS} ms)`);
    assert.deepEqual(expired.users, []);
    assert.ok(expiredAfter >= TYPING_TTL_MS * 0.8, `expired after ${expiredAfter} ms, before the TTL`);
    assert.deepEqual(
      framesOf(watcher, "typing", from).map((f) => f.users),
      [[alice.id], []],
      "exactly: typing, then empty",
    );
    await watcherOnA.next((f) => f.type === "typing" && f.users.length === 0, { timeoutMs: TYPING_TTL_MS * 3 });

    // 2. repeated starts on A keep it alive on B past the TTL (B's timer is refreshed over the bus).
    from = watcher.frames.length;
    typist.send({ type: "typing", room, state: "start" });
    await watcher.next((f) => f.type === "typing" && f.users.includes(alice.id), { fromIndex: from });
    for (let i = 0; i < 3; i++) {
      await sleep(TYPING_TTL_MS / 2);
      typist.send({ type: "typing", room, state: "start" });
    }
    assert.deepEqual(framesOf(watcher, "typing", from, (f) => f.users.length === 0), [], "still typing after 1.5 TTLs of starts");

    // 3. stop on A clears it on B well before the TTL.
    const stopFrom = watcher.frames.length;
    const stoppedAt = Date.now();
    typist.send({ type: "typing", room, state: "stop" });
    await watcher.next((f) => f.type === "typing" && f.users.length === 0, { fromIndex: stopFrom, timeoutMs: TYPING_TTL_MS / 2 });
    t.diagnostic(`stop on A cleared typing on B in ${Date.now() - stoppedAt} ms`);

    // 4. sending a message on A clears it on B too.
    const sendFrom = watcher.frames.length;
    typist.send({ type: "typing", room, state: "start" });
    await watcher.next((f) => f.type === "typing" && f.users.includes(alice.id), { fromIndex: sendFrom });
    const clearFrom = watcher.frames.length;
    await send(typist, room, "done typing");
    await watcher.next((f) => f.type === "typing" && f.users.length === 0, { fromIndex: clearFrom, timeoutMs: TYPING_TTL_MS / 2 });

    assert.deepEqual(framesOf(typist, "typing"), [], "the typist is never told about themselves");
  });

  test(
    "the first socket to join a room on B sees a typist on A in joined.typing",
    { timeout: 30_000 },
    async () => {
      const room = await createRoom(A.url, alice);
      const typist = await joined(A, alice, room);
      const watcherOnA = await joined(A, carol, room);
      typist.send({ type: "typing", room, state: "start" });
      await watcherOnA.next((f) => f.type === "typing" && f.users.includes(alice.id));
      assert.deepEqual((await (await connect(A, bob)).join(room)).typing, [alice.id], "on A, a joiner sees the typist");
      assert.deepEqual((await (await connect(B, bob)).join(room)).typing, [alice.id], "on B, the first joiner sees the typist too");
      typist.send({ type: "typing", room, state: "stop" });
    },
  );

  test("a read on B gives a seen receipt on A; unread agrees from either instance", { timeout: 30_000 }, async () => {
    const room = await createRoom(A.url, alice);
    const a = await joined(A, alice, room);
    const b = await joined(B, bob, room);
    // Seq 1 is bob's join line; "one" is 2 and "bob's own" 5.
    for (const content of ["one", "two", "three"]) await send(a, room, content);
    await send(b, room, "bob's own");

    for (const server of [A, B]) {
      assert.equal(await unread(server, bob, room), 3, "bob: own messages never count");
      assert.equal(await unread(server, alice, room), 1, "alice: bob's one message");
    }

    const from = a.frames.length;
    b.send({ type: "read", room, seq: 3 });
    const receipt = (await a.next((f) => f.type === "receipt" && f.user === bob.id && f.status === "seen", { fromIndex: from })) as Frame<"receipt">;
    assert.equal(receipt.room, room);
    assert.equal(receipt.seq, 3);
    assert.ok(!Number.isNaN(Date.parse(receipt.at)), `at: ${receipt.at}`);
    for (const server of [A, B]) assert.equal(await unread(server, bob, room), 1, "after reading up to 3");

    // Going back is a no-op: no receipt crosses, unread unchanged. Then reading to the end on
    // B arrives on A (ordered after the stale read on B's connection, so it is the barrier).
    b.send({ type: "read", room, seq: 1 });
    b.send({ type: "read", room, seq: 5 });
    const last = (await a.next((f) => f.type === "receipt" && f.user === bob.id && f.status === "seen" && f.seq === 5, { fromIndex: from })) as Frame<"receipt">;
    assert.equal(last.seq, 5);
    assert.deepEqual(
      framesOf(a, "receipt", from, (f) => f.user === bob.id && f.status === "seen").map((f) => f.seq),
      [3, 5],
      "no receipt for moving the cursor back",
    );
    for (const server of [A, B]) assert.equal(await unread(server, bob, room), 0, "read to the end");

    // A delivered receipt crosses too, and a fresh join on A sees B's cursors.
    const m = await send(b, room, "for alice");
    const bFrom = b.frames.length;
    a.send({ type: "delivered", room, seq: m.seq });
    const delivered = (await b.next((f) => f.type === "receipt" && f.status === "delivered", { fromIndex: bFrom })) as Frame<"receipt">;
    assert.deepEqual([delivered.user, delivered.seq], [alice.id, m.seq]);
    const fresh = await connect(A, carol);
    const snapshot = await fresh.join(room);
    assert.equal(snapshot.reads[bob.id], 5);
    assert.equal(snapshot.delivered?.[alice.id], m.seq);
  });

  test("reactions on B reach A; the same add on A and B counts once; history agrees on both", { timeout: 30_000 }, async () => {
    const room = await createRoom(A.url, alice);
    const a = await joined(A, alice, room);
    const bobOnB = await joined(B, bob, room);
    const bobOnA = await joined(A, bob, room);
    const m = await send(a, room, "react to me");

    // React on B → A hears it with count and users.
    let from = a.frames.length;
    const first = ackOf(await bobOnB.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" }));
    assert.deepEqual(first.reactions, [{ emoji: "👍", count: 1, users: [bob.id] }]);
    const heard = (await a.next((f) => f.type === "reaction" && f.message === m.id, { fromIndex: from })) as Frame<"reaction">;
    assert.deepEqual([heard.room, heard.emoji, heard.count, heard.users], [room, "👍", 1, [bob.id]]);

    // The same add from Bob's socket on A: stored once, not re-broadcast.
    const again = ackOf(await bobOnA.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" }));
    assert.deepEqual(again.reactions, [{ emoji: "👍", count: 1, users: [bob.id] }], "idempotent across instances");

    // The same add sent on A and on B at once: one of them inserts, both see count 1.
    const [x, y] = await Promise.all([
      bobOnA.request({ type: "react", room, message: m.id, emoji: "🎉", op: "add" }),
      bobOnB.request({ type: "react", room, message: m.id, emoji: "🎉", op: "add" }),
    ]);
    for (const ack of [ackOf(x), ackOf(y)]) {
      assert.deepEqual(ack.reactions?.find((r) => r.emoji === "🎉"), { emoji: "🎉", count: 1, users: [bob.id] });
    }

    // Alice adds 👍 on A → Bob on B sees count 2, in reaction order.
    const bFrom = bobOnB.frames.length;
    await a.request({ type: "react", room, message: m.id, emoji: "👍", op: "add" });
    const two = (await bobOnB.next((f) => f.type === "reaction" && f.emoji === "👍" && f.count === 2, { fromIndex: bFrom })) as Frame<"reaction">;
    assert.deepEqual(two.users, [bob.id, alice.id]);

    await sleep(300); // a duplicate broadcast would have arrived by now
    assert.deepEqual(
      framesOf(a, "reaction", from).map((f) => [f.emoji, f.count, f.users]),
      [
        ["👍", 1, [bob.id]],
        ["🎉", 1, [bob.id]],
        ["👍", 2, [bob.id, alice.id]],
      ],
      "alice on A: one frame per real change, none for the repeated adds",
    );

    const expected = [
      { emoji: "👍", count: 2, users: [bob.id, alice.id] },
      { emoji: "🎉", count: 1, users: [bob.id] },
    ];
    for (const [server, user] of [[A, alice], [B, bob], [B, alice], [A, bob]] as const) {
      const [stored] = await history(server, user, room);
      assert.equal(stored!.id, m.id);
      assert.deepEqual(stored!.reactions, expected, `history from ${server === A ? "A" : "B"} as ${user.username}`);
    }

    // Removing on A reaches B.
    from = bobOnB.frames.length;
    await bobOnA.request({ type: "react", room, message: m.id, emoji: "👍", op: "remove" });
    const removed = (await bobOnB.next((f) => f.type === "reaction" && f.emoji === "👍" && f.count === 1, { fromIndex: from })) as Frame<"reaction">;
    assert.deepEqual(removed.users, [alice.id]);
    // Emojis are listed by their earliest remaining reaction: Bob's 🎉 now precedes Alice's 👍.
    for (const server of [A, B]) {
      assert.deepEqual((await history(server, bob, room))[0]!.reactions, [
        { emoji: "🎉", count: 1, users: [bob.id] },
        { emoji: "👍", count: 1, users: [alice.id] },
      ]);
    }
  });

  test("edits and deletes on one instance reach the other; private ones only their audience", { timeout: 30_000 }, async () => {
    const room = await createRoom(A.url, alice);
    const a = await joined(A, alice, room);
    const aliceOnB = await joined(B, alice, room);
    const b = await joined(B, bob, room);
    const c = await joined(B, carol, room);
    const m = await send(a, room, "typo");
    await b.request({ type: "react", room, message: m.id, emoji: "👀", op: "add" });

    // Edit on A → message_updated on B, same seq, reactions kept.
    let from = b.frames.length;
    const edited = ackOf(await a.request({ type: "edit", room, message: m.id, content: "fixed" }));
    assert.equal(edited.content, "fixed");
    assert.ok(edited.edited_at);
    const updated = (await b.next((f) => f.type === "message_updated" && f.message.id === m.id, { fromIndex: from })) as Frame<"message_updated">;
    assert.deepEqual(updated.message, edited, "B gets the stored edit");
    assert.equal(updated.message.seq, m.seq);
    assert.deepEqual(updated.message.reactions, [{ emoji: "👀", count: 1, users: [bob.id] }]);

    // Others may not edit across instances either.
    const forbidden = await b.request({ type: "edit", room, message: m.id, content: "hijacked" });
    assert.equal(forbidden.type === "error" && forbidden.code, "FORBIDDEN");

    // Delete on B (the author's other socket) → message_deleted on A.
    from = a.frames.length;
    const deleted = ackOf(await aliceOnB.request({ type: "delete", room, message: m.id }));
    assert.equal(deleted.deleted, true);
    const tomb = (await a.next((f) => f.type === "message_deleted" && f.message.id === m.id, { fromIndex: from })) as Frame<"message_deleted">;
    assert.deepEqual([tomb.room, tomb.message.id, tomb.message.content, tomb.message.deleted, tomb.message.seq], [room, m.id, "", true, m.seq]);
    const editDeleted = await a.request({ type: "edit", room, message: m.id, content: "back" });
    assert.equal(editDeleted.type === "error" && editDeleted.code, "NOT_FOUND", "A sees B's delete in the database");

    // A private message edited on A: its recipient on B hears it, Carol on B does not. The
    // public edit after it comes from the same instance, so it is the ordering barrier.
    const secret = await send(a, room, "psst bob", { to: bob.id });
    const open = await send(a, room, "hello all");
    const cFrom = c.frames.length;
    const bFrom = b.frames.length;
    await a.request({ type: "edit", room, message: secret.id, content: "psst bob (edited)" });
    await a.request({ type: "edit", room, message: open.id, content: "hello all (edited)" });
    await b.next((f) => f.type === "message_updated" && f.message.id === secret.id, { fromIndex: bFrom });
    await b.next((f) => f.type === "message_updated" && f.message.id === open.id, { fromIndex: bFrom });
    await c.next((f) => f.type === "message_updated" && f.message.id === open.id, { fromIndex: cFrom });
    assert.deepEqual(
      framesOf(c, "message_updated", cFrom).map((f) => f.message.id),
      [open.id],
      "carol on B never hears about the private edit",
    );

    for (const [server, user] of [[A, bob], [B, bob], [B, carol], [A, carol]] as const) {
      const stored = await history(server, user, room);
      const expected =
        user === bob
          ? [["", true], ["psst bob (edited)", false], ["hello all (edited)", false]]
          : [["", true], ["hello all (edited)", false]];
      assert.deepEqual(
        stored.map((x) => [x.content, x.deleted ?? false]),
        expected,
        `history from ${server === A ? "A" : "B"} as ${user.username}`,
      );
      assert.equal(stored[0]!.reactions, undefined, "a tombstone carries no reactions");
    }
  });

  test(
    "presence: a user announced offline by A is announced online again when they come back on B",
    { timeout: 30_000 },
    async () => {
      // Regression: instances used to cache what they last announced per user; the cache went
      // stale when another instance announced a change, and U's return stayed silent.
      const [u, w] = await Promise.all([registerUser(A.url, "staleU"), registerUser(B.url, "staleW")]);
      const room = await createRoom(B.url, w);
      const watcher = await joined(B, w, room);
      const status = (from: number) => framesOf(watcher, "presence", from, (f) => f.user === u.id).map((f) => f.status);
      const visit = await joined(A, u, room); // become a member (joining is not announced)
      await visit.close();
      await watcher.next((f) => f.type === "presence" && f.user === u.id && f.status === "offline", { timeoutMs: PRESENCE_TTL_MS });

      const from = watcher.frames.length;
      const tabOnB = await connect(B, u); // B announces online
      await watcher.next((f) => f.type === "presence" && f.user === u.id && f.status === "online", { fromIndex: from });
      const second = watcher.frames.length;
      const tabOnA = await connect(A, u);
      // Sockets drop repeated states, so A recording U shows nothing to W: give it time to land.
      await sleep(2 * PRESENCE_SWEEP_MS + 200);
      assert.deepEqual(status(second), [], "an unchanged status is not shown again");
      await tabOnB.close(); // still online through A: nobody announces anything
      await sleep(300);
      const closing = watcher.frames.length;
      await tabOnA.close(); // A announces offline
      await watcher.next((f) => f.type === "presence" && f.user === u.id && f.status === "offline", { fromIndex: closing, timeoutMs: PRESENCE_TTL_MS });
      assert.equal(status(from).at(-1), "offline");

      const back = watcher.frames.length;
      await connect(B, u); // U is back, on B
      const snapshot = await (await connect(B, w)).join(room);
      assert.equal(snapshot.presence?.[u.id]?.status, "online", "the presence store says U is online");
      const announced = await watcher
        .next((f) => f.type === "presence" && f.user === u.id && f.status === "online", { fromIndex: back, timeoutMs: PRESENCE_TTL_MS * 2 })
        .then(
          () => true,
          () => false,
        );
      assert.ok(
        announced,
        `W on B never heard U come back online within ${PRESENCE_TTL_MS * 2} ms (presence frames for U so far: ${JSON.stringify(status(from))}); ` +
          "B's PresenceTracker.announced still held the 'online' it sent before A announced 'offline'",
      );
    },
  );

  test(
    "presence: online across instances, survives closing one of two tabs, and goes offline when the instance holding the last tab is killed",
    { timeout: 60_000 },
    async (t) => {
      const [u, v, w] = await Promise.all([registerUser(A.url, "presU"), registerUser(B.url, "presV"), registerUser(B.url, "presW")]);
      const room = await createRoom(B.url, w);
      const watcher = await joined(B, w, room);
      const isOffline = (user: TestUser) => (f: ServerFrame) => f.type === "presence" && f.user === user.id && f.status === "offline";
      const isOnline = (user: TestUser) => (f: ServerFrame) => f.type === "presence" && f.user === user.id && f.status === "online";

      // U becomes a member with a first visit on A; closing it is announced to W on B.
      let from = watcher.frames.length;
      const visit = await joined(A, u, room);
      await watcher.next((f) => f.type === "member" && f.user.id === u.id && f.event === "joined", { fromIndex: from });
      await visit.close();
      await watcher.next(isOffline(u), { fromIndex: from, timeoutMs: PRESENCE_TTL_MS });
      const v1 = await joined(A, v, room);

      // U connects on A → W on B hears it; a fresh join on B snapshots it.
      from = watcher.frames.length;
      const u1 = await connect(A, u);
      await watcher.next(isOnline(u), { fromIndex: from });
      const sinceOnline = from;
      assert.equal((await (await connect(B, w)).join(room)).presence?.[u.id]?.status, "online", "B's snapshot of U on A");

      // U: a tab on A and one on B; closing the A tab keeps U online, past the TTL (B keeps
      // refreshing its own entry).
      // (`ready` comes before the instance has recorded the tab, and W's socket drops the
      // unchanged "online", so give the record time to land.)
      const uOnB = await connect(B, u);
      await sleep(2 * PRESENCE_SWEEP_MS + 200);
      from = watcher.frames.length;
      await u1.close();
      await sleep(PRESENCE_TTL_MS + 2 * PRESENCE_SWEEP_MS);
      assert.deepEqual(framesOf(watcher, "presence", from, (f) => f.user === u.id && f.status === "offline"), [], "one tab left: still online");
      assert.equal((await (await connect(A, w)).join(room)).presence?.[u.id]?.status, "online", "A's snapshot: U online on B");

      // Now U's only tab is on A again; V has tabs on A and B.
      // A announced U before, so nothing shows when it records the new tab: give its connect
      // and its next refresh time to land before closing the tab on B.
      const u2 = await connect(A, u);
      await sleep(2 * PRESENCE_SWEEP_MS + 200);
      await uOnB.close();
      const vOnB = await connect(B, v);
      await sleep(2 * PRESENCE_SWEEP_MS + 200);
      assert.deepEqual(framesOf(watcher, "presence", sinceOnline, isOffline(u)), [], "U never went offline while a tab was open");
      assert.equal((await (await connect(B, w)).join(room)).presence?.[u.id]?.status, "online");

      // SIGKILL A: nothing announces anything; B's sweep must claim A's expired entries.
      from = watcher.frames.length;
      const killedAt = Date.now();
      await A.stop("SIGKILL");
      assert.equal(A.process.signalCode, "SIGKILL");
      const offline = (await watcher.next(isOffline(u), { fromIndex: from, timeoutMs: PRESENCE_TTL_MS * 3 })) as Frame<"presence">;
      const took = Date.now() - killedAt;
      t.diagnostic(`U offline on B ${took} ms after SIGKILL of A (TTL ${PRESENCE_TTL_MS} ms, sweep every ${PRESENCE_SWEEP_MS} ms)`);
      assert.ok(offline.last_seen && Math.abs(Date.now() - Date.parse(offline.last_seen)) < 10_000, `last_seen: ${offline.last_seen}`);
      await Promise.race([u2.closed, sleep(2000)]);
      assert.notEqual(u2.closeCode, null, "U's socket on A died with A");

      // V still has a tab on B: the same sweep must not take V offline.
      await sleep(2 * PRESENCE_SWEEP_MS + 200);
      assert.deepEqual(framesOf(watcher, "presence", from, (f) => f.user === v.id && f.status === "offline"), [], "V (tab on B) stays online");
      const swept = await (await connect(B, w)).join(room);
      assert.equal(swept.presence?.[u.id]?.status, "offline", "snapshot on B after the sweep: U offline");
      assert.equal(swept.presence?.[v.id]?.status, "online", "snapshot on B after the sweep: V online");
      assert.notEqual(v1.closeCode, null, "V's tab on A is gone");
      assert.equal(vOnB.closeCode, null, "V's tab on B is still open");

      // A fresh instance C replaces A: U coming back on C is online for W on B, and a normal
      // close on C is announced at once.
      const C = await startServer(instanceEnv());
      servers.push(C);
      from = watcher.frames.length;
      const u3 = await joined(C, u, room);
      await watcher.next(isOnline(u), { fromIndex: from });
      from = watcher.frames.length;
      await u3.close();
      await watcher.next(isOffline(u), { fromIndex: from, timeoutMs: PRESENCE_TTL_MS });
    },
  );
});
