import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { Message, ServerFrame } from "@/protocol";
import { MemoryBus } from "@/server/bus/memory";
import { roomTopic } from "@/server/bus";
import type { Encoded } from "@/server/realtime/send";
import { HOLD_MS, RoomRegistry, type RoomListener } from "@/server/realtime/registry";

const log = pino({ level: "silent" });
const tick = () => new Promise((r) => setImmediate(r));

const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  room: "r1",
  seq,
  sender: "alice",
  kind: "text",
  content: `hello ${seq}`,
  client_id: `c${seq}`,
  created_at: new Date(0).toISOString(),
  ...extra,
});

class FakeListener implements RoomListener {
  readonly got: ServerFrame[] = [];
  readonly evicted: string[] = [];
  blocked: readonly string[] = [];
  readonly direct: Encoded[] = [];
  readonly id = Math.random().toString(36);
  constructor(readonly userId: string) {}
  sendDirect(encoded: Encoded) {
    this.direct.push(encoded);
  }
  evict(room: string, reason: string) {
    this.evicted.push(`${room}:${reason}`);
  }
  setBlocked(blocked: readonly string[]) {
    this.blocked = blocked;
  }
  deliver(_room: string, frame: ServerFrame) {
    this.got.push(frame);
  }
}

test("the first listener subscribes the room's topic and the last one unsubscribes it", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const a = new FakeListener("alice");
  const b = new FakeListener("bob");
  await registry.add("r1", a, 0);
  await registry.add("r1", b, 0);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(1) });
  await tick();
  assert.equal(a.got.length, 1);
  assert.equal(b.got.length, 1);

  await registry.remove("r1", a);
  await registry.remove("r1", b);
  assert.equal(registry.roomCount, 0);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(2) });
  await tick();
  assert.equal(a.got.length + b.got.length, 2, "nothing arrives after the last listener left");
});

test("private messages reach only sender and recipient", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const [alice, bob, carol] = ["alice", "bob", "carol"].map((u) => new FakeListener(u));
  for (const l of [alice!, bob!, carol!]) await registry.add("r1", l, 0);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(1, { to: "bob" }) });
  await tick();
  assert.deepEqual([alice!.got.length, bob!.got.length, carol!.got.length], [1, 1, 0]);
});

test("events published on the bus are frozen: a listener cannot mutate the publisher's object", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const l = new FakeListener("alice");
  await registry.add("r1", l, 0);
  const original = message(1);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: original });
  await tick();
  const got = l.got[0] as Extract<ServerFrame, { type: "message" }>;
  assert.throws(() => {
    got.message.content = "changed";
  }, TypeError);
  assert.equal(original.content, "hello 1");
});

/** A bus whose deliveries the test controls: publish order is exactly the order given. */
const seqs = (l: FakeListener) => l.got.filter((f) => f.type === "message").map((f) => (f as Extract<ServerFrame, { type: "message" }>).message.seq);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("messages that overtake each other on the bus reach sockets once, in seq order", async () => {
  const bus = new MemoryBus();
  const store = [1, 2, 3, 4, 5].map((n) => message(n));
  let reads = 0;
  const registry = new RoomRegistry(bus, log, async (_room, after) => (reads++, store.filter((m) => m.seq > after)), 3000);
  const l = new FakeListener("bob");
  await registry.add("r1", l, 0);
  for (const n of [2, 1, 3, 3, 5, 4, 1]) await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(n) });
  await tick();
  assert.deepEqual(seqs(l), [1, 2, 3, 4, 5], "reordered without the database, repeats dropped");
  assert.equal(reads, 0, "no hole was left open long enough to ask the database");
});

test("a message missing from the bus is filled from the database before later ones are delivered", async () => {
  const bus = new MemoryBus();
  const store = [1, 2, 3, 4].map((n) => message(n));
  const registry = new RoomRegistry(bus, log, async (_room, after) => store.filter((m) => m.seq > after).slice(0, 2), 3000);
  const l = new FakeListener("bob");
  await registry.add("r1", l, 0);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(1) });
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(4) });
  await tick();
  assert.deepEqual(seqs(l), [1], "4 is held back while 2 and 3 are missing");
  await sleep(HOLD_MS * 3);
  assert.deepEqual(seqs(l), [1, 2, 3, 4], "the hole is filled from the database, paging, then 4 follows");
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(3) });
  await tick();
  assert.deepEqual(seqs(l), [1, 2, 3, 4], "a late copy of a filled message is dropped");
});

test("seqs the database no longer has (retention) do not block later messages", async () => {
  const bus = new MemoryBus();
  const store = [message(7)];
  const registry = new RoomRegistry(bus, log, async (_room, after) => store.filter((m) => m.seq > after), 3000);
  const l = new FakeListener("bob");
  await registry.add("r1", l, 2);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(7) });
  await sleep(HOLD_MS * 3);
  assert.deepEqual(seqs(l), [7]);
});

test("a message from a typist ends their typing indicator", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const bob = new FakeListener("bob");
  await registry.add("r1", bob, 0);
  await bus.publish(roomTopic("r1"), { type: "typing", room: "r1", user: { id: "alice", username: "alice" }, state: "start" });
  await tick();
  assert.deepEqual(registry.typingFrame("r1", "bob").users, ["alice"]);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: message(1) });
  await tick();
  assert.deepEqual(registry.typingFrame("r1", "bob").users, []);
  const typing = bob.got.filter((f) => f.type === "typing").map((f) => (f as Extract<ServerFrame, { type: "typing" }>).users);
  assert.deepEqual(typing, [["alice"], []]);
});

test("an eviction removes only that user's sockets from the room, on this instance", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const [alice, bob] = ["alice", "bob"].map((u) => new FakeListener(u));
  await registry.add("r1", alice!, 0);
  await registry.add("r1", bob!, 0);
  await bus.publish(roomTopic("r1"), { type: "evict", room: "r1", user: "bob", reason: "banned" });
  await tick();
  assert.deepEqual(bob!.evicted, ["r1:banned"]);
  assert.deepEqual(alice!.evicted, []);
  assert.deepEqual([...registry.listeners("r1")], [alice]);
});

test("block lists reach every socket of that user through the user topic", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const [tab1, tab2, other] = [new FakeListener("alice"), new FakeListener("alice"), new FakeListener("bob")];
  for (const l of [tab1, tab2, other]) await registry.addUser(l);
  await bus.publish("user:alice", { type: "blocks", user: "alice", blocked: ["bob"] });
  await tick();
  assert.deepEqual([tab1.blocked, tab2.blocked, other.blocked], [["bob"], ["bob"], []]);
});

test("user frames and status choices reach every socket of that user only", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const [tab1, tab2, other] = [new FakeListener("alice"), new FakeListener("alice"), new FakeListener("bob")];
  for (const l of [tab1, tab2, other]) await registry.addUser(l);
  const chosen: string[] = [];
  registry.onStatusChoice = (user, listeners, status) => chosen.push(`${user}:${listeners.length}:${status}`);
  await bus.publish("user:alice", { type: "user_frame", user: "alice", frame: { type: "pong", ts: 1 } });
  await bus.publish("user:alice", { type: "status", user: "alice", status: "dnd" });
  await tick();
  assert.deepEqual([tab1.direct.length, tab2.direct.length, other.direct.length], [1, 1, 0]);
  assert.deepEqual(chosen, ["alice:2:dnd"]);
});
