/**
 * The distributed shape: two real server instances sharing one Postgres and one Redis.
 * Run under scripts/with-services.sh (`npm run test:distributed`), which provides
 * DATABASE_URL and REDIS_URL pointing at throwaway servers.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import postgres from "postgres";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const root = path.resolve(import.meta.dirname, "../..");

let A: TestServer;
let B: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const sockets: TestSocket[] = [];

/** Connects and remembers the socket so `after` closes it even when a test fails midway. */
async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

/** What people said, without the room's system lines (joins and the like). */
const spoken = (m: Message) => m.kind !== "system";

const ackOf = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", `expected ack, got ${JSON.stringify(frame)}`);
  return (frame as Extract<ServerFrame, { type: "ack" }>).message;
};

const messageFrame = async (socket: TestSocket, id: string, fromIndex = 0): Promise<Message> => {
  const frame = await socket.next((f) => f.type === "message" && f.message.id === id, { fromIndex });
  return (frame as Extract<ServerFrame, { type: "message" }>).message;
};

const history = async (server: TestServer, user: TestUser, room: string): Promise<Message[]> => {
  const res = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: user.token });
  assert.equal(res.status, 200, `history: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.messages;
};

before(async () => {
  const env = servicesEnv();
  // Concurrently on purpose: both instances race to migrate the same fresh database, which the
  // migration advisory lock must serialize.
  const started = await Promise.allSettled([startServer(env), startServer(env)]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  [A, B] = started.map((r) => (r as PromiseFulfilledResult<TestServer>).value) as [TestServer, TestServer];
  // Users registered on either instance are known to both (one database, one auth secret).
  [alice, bob, carol] = await Promise.all([registerUser(A.url, "alice"), registerUser(B.url, "bob"), registerUser(A.url, "carol")]);
});

after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop()]);
});

describe("two instances on one Postgres and one Redis", () => {
  test("both instances run the distributed shape and the concurrent start migrated once", async () => {
    for (const [name, server] of [["A", A], ["B", B]] as const) {
      const line = server.logs.find((l) => l.includes("storage and bus ready"));
      assert.ok(line, `instance ${name} never logged its storage/bus`);
      const { storage, bus } = JSON.parse(line) as { storage: string; bus: string };
      assert.deepEqual({ storage, bus }, { storage: "postgres", bus: "redis" }, `instance ${name}`);
    }
    const journal = JSON.parse(readFileSync(path.join(root, "db/migrations/meta/_journal.json"), "utf8")) as { entries: unknown[] };
    const sql = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
      assert.equal(rows[0]!.n, journal.entries.length, "each migration recorded exactly once");
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  test("clients on different instances chat both ways with gap-free seqs", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    const b = await connect(B, bob);
    await a.join(room);
    const joined = await b.join(room);
    assert.equal(joined.seq, 1, "bob's join line");
    assert.deepEqual(joined.members.map((m) => m.id).sort(), [alice.id, bob.id].sort());
    // Bob joined on B; Alice on A hears about it over Redis.
    await a.next((f) => f.type === "member" && f.room === room && f.user.id === bob.id && f.event === "joined");

    const sent: Message[] = [];
    for (let i = 0; i < 6; i++) {
      const [sender, receiver] = i % 2 === 0 ? [a, b] : [b, a];
      const content = `${i % 2 === 0 ? "A→B" : "B→A"} #${i}`;
      const message = ackOf(await sender.request({ type: "send", id: randomUUID(), room, content }));
      assert.equal(message.seq, i + 2, "seq is gap-free across instances");
      assert.equal(message.content, content);
      assert.equal(message.sender, i % 2 === 0 ? alice.id : bob.id);
      assert.deepEqual(await messageFrame(receiver, message.id), message, "the other instance delivers the stored message");
      assert.deepEqual(await messageFrame(sender, message.id), message, "the sender's own instance echoes it too");
      sent.push(message);
    }

    await sleep(300); // anything duplicated would have arrived by now
    for (const [name, socket] of [["a", a], ["b", b]] as const) {
      const said = socket.messages(room).filter((m) => m.kind !== "system");
      assert.deepEqual(said.map((m) => m.seq), [2, 3, 4, 5, 6, 7], `${name} got every message once, in order`);
    }
    const said = (messages: Message[]) => messages.filter((m) => m.kind !== "system").map((m) => m.id);
    assert.deepEqual(said(await history(B, bob, room)), sent.map((m) => m.id));
    assert.deepEqual(said(await history(A, alice, room)), sent.map((m) => m.id));
  });

  test("concurrent sends on both instances get distinct gap-free seqs and reach everyone once", async () => {
    const room = await createRoom(B.url, bob);
    const a = await connect(A, alice);
    const b = await connect(B, bob);
    const watchA = await connect(A, carol);
    const watchB = await connect(B, carol);
    let base = 0;
    // After the join lines of alice and carol.
    for (const s of [a, b, watchA, watchB]) base = (await s.join(room)).seq;

    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).request({ type: "send", id: randomUUID(), room, content: `burst ${i}` }, 10_000)),
    );
    const messages = acks.map(ackOf);
    assert.equal(base, 2);
    assert.deepEqual(messages.map((m) => m.seq).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => base + i + 1));

    const ids = messages.map((m) => m.id).sort();
    // Publishes from two instances may interleave, so arrival order is not asserted (receivers
    // order by seq), only completeness.
    for (const socket of [watchA, watchB]) {
      for (const m of messages) await messageFrame(socket, m.id);
    }
    await sleep(300);
    for (const [name, socket] of [["carol on A", watchA], ["carol on B", watchB]] as const) {
      assert.deepEqual(socket.messages(room).filter((m) => m.kind !== "system").map((m) => m.id).sort(), ids, `${name} got each message exactly once`);
    }
    assert.deepEqual((await history(A, carol, room)).map((m) => m.seq), Array.from({ length: base + 20 }, (_, i) => i + 1));
  });

  test("a client reconnecting to the other instance with `since` gets what it missed, once", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    await a.join(room);
    const b = await connect(B, bob);
    await b.join(room);
    const earlier = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "before" }));
    await messageFrame(b, earlier.id);
    const lastSeen = Math.max(...b.messages(room).map((m) => m.seq));
    assert.equal(lastSeen, 2, "after bob's join line");
    await b.close();

    const missed: Message[] = [];
    for (const content of ["while away 1", "while away 2", "while away 3"]) {
      missed.push(ackOf(await a.request({ type: "send", id: randomUUID(), room, content })));
    }
    assert.deepEqual(missed.map((m) => m.seq), [3, 4, 5]);

    const b2 = await connect(B, bob);
    const joined = await b2.join(room, lastSeen);
    assert.equal(joined.seq, lastSeen + 3);
    await messageFrame(b2, missed[2]!.id);
    await sleep(300);
    assert.deepEqual(b2.messages(room).map((m) => m.id), missed.map((m) => m.id), "exactly the missed messages, once each, in order");
    assert.deepEqual(b2.messages(room), missed, "replayed messages equal the stored ones");

    // Live traffic from A still reaches the re-joined client on B, once.
    const live = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "live again" }));
    assert.equal(live.seq, 6);
    await messageFrame(b2, live.id);
    await sleep(300);
    assert.deepEqual(b2.messages(room).map((m) => m.seq), [3, 4, 5, 6]);
  });

  test("resending a client id on the other instance returns the same message, stored once", async () => {
    const room = await createRoom(A.url, alice);
    const onA = await connect(A, alice);
    const onB = await connect(B, alice);
    const watcher = await connect(B, bob);
    await onA.join(room);
    await onB.join(room);
    await watcher.join(room);

    const id = randomUUID();
    const first = ackOf(await onA.request({ type: "send", id, room, content: "exactly once" }));
    const second = ackOf(await onB.request({ type: "send", id, room, content: "exactly once" }));
    assert.equal(second.id, first.id);
    assert.equal(second.seq, first.seq);
    assert.deepEqual(second, first);

    const next = ackOf(await onB.request({ type: "send", id: randomUUID(), room, content: "after the retry" }));
    assert.equal(next.seq, first.seq + 1, "the retry consumed no seq");
    await messageFrame(watcher, next.id);
    await sleep(300);
    assert.equal(watcher.messages(room).filter((m) => m.id === first.id).length, 1, "watcher got it once");
    const stored = await history(A, bob, room);
    assert.equal(stored.filter((m) => m.client_id === id).length, 1, "history holds it once");
    assert.deepEqual(stored.filter((m) => m.kind !== "system").map((m) => m.content), ["exactly once", "after the retry"]);
  });

  test("the same client id sent on both instances at once is still one message", async () => {
    const room = await createRoom(B.url, bob);
    const onA = await connect(A, bob);
    const onB = await connect(B, bob);
    await onA.join(room);
    await onB.join(room);
    for (let round = 0; round < 5; round++) {
      const id = randomUUID();
      const [x, y] = await Promise.all([
        onA.request({ type: "send", id, room, content: `race ${round}` }),
        onB.request({ type: "send", id, room, content: `race ${round}` }),
      ]);
      assert.deepEqual(ackOf(y), ackOf(x), `round ${round}: both acks name the same message`);
      assert.equal(ackOf(x).seq, round + 1);
    }
    const stored = await history(B, bob, room);
    assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3, 4, 5]);
  });

  test("a private message sent on A reaches only its sender and recipient on B", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    const aliceOnB = await connect(B, alice);
    const b = await connect(B, bob);
    const c = await connect(B, carol);
    for (const s of [a, aliceOnB, b, c]) await s.join(room);

    const secret = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "psst bob", to: bob.id }));
    assert.equal(secret.to, bob.id);
    const open = ackOf(await a.request({ type: "send", id: randomUUID(), room, content: "hello all" }));

    assert.deepEqual(await messageFrame(b, secret.id), secret, "recipient on B gets it");
    assert.deepEqual(await messageFrame(aliceOnB, secret.id), secret, "sender's other socket on B gets it");
    // Carol is on the same instance as Bob, and bus events are delivered in order: once she has
    // the later open message, the private one would have arrived already if it leaked.
    await messageFrame(c, open.id);
    await messageFrame(b, open.id);
    await sleep(300);
    assert.deepEqual(c.messages(room).filter(spoken).map((m) => m.id), [open.id], "carol never receives it live");
    assert.deepEqual(b.messages(room).filter(spoken).map((m) => m.id), [secret.id, open.id]);

    assert.deepEqual((await history(B, carol, room)).filter(spoken).map((m) => m.id), [open.id], "nor in carol's history");
    assert.deepEqual((await history(B, bob, room)).filter(spoken).map((m) => m.id), [secret.id, open.id]);
    const c2 = await connect(B, carol);
    await c2.join(room, 0);
    await messageFrame(c2, open.id);
    await sleep(200);
    assert.deepEqual(c2.messages(room).filter(spoken).map((m) => m.id), [open.id], "nor in carol's replay");
  });
});
