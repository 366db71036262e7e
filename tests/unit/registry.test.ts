import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { Message, ServerFrame } from "@/protocol";
import { MemoryBus } from "@/server/bus/memory";
import { roomTopic } from "@/server/bus";
import { RoomRegistry, type RoomListener } from "@/server/realtime/registry";

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
  readonly direct: string[] = [];
  readonly id = Math.random().toString(36);
  constructor(readonly userId: string) {}
  sendDirect(encoded: string) {
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

test("events published on the bus are copies: a listener cannot mutate the publisher's object", async () => {
  const bus = new MemoryBus();
  const registry = new RoomRegistry(bus, log, async () => [], 3000);
  const l = new FakeListener("alice");
  await registry.add("r1", l, 0);
  const original = message(1);
  await bus.publish(roomTopic("r1"), { type: "message", room: "r1", message: original });
  await tick();
  const got = l.got[0] as Extract<ServerFrame, { type: "message" }>;
  got.message.content = "changed";
  assert.equal(original.content, "hello 1");
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
  assert.equal(registry.socketsOf("alice"), 2);
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
