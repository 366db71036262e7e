import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type WebSocket from "ws";
import type { ServerFrame } from "@/protocol";
import { FrameBudgets } from "@/server/limits";
import { Connection } from "@/server/realtime/connection";
import { HeartbeatClock } from "@/server/realtime/heartbeat";
import { encodeFrame } from "@/server/realtime/send";

const newConnection = (socket: WebSocket, { scale = 1, timeoutMs = 10_000 } = {}) =>
  new Connection(socket, pino({ level: "silent" }), new FrameBudgets(scale), timeoutMs);

/** Just enough of a ws socket to record what the server writes. */
function fakeSocket() {
  const sent: ServerFrame[] = [];
  const socket = { readyState: 1, bufferedAmount: 0, send: (data: string) => sent.push(JSON.parse(data) as ServerFrame), close() {} };
  return { socket: socket as unknown as WebSocket, sent };
}

const msgFrame = (id: string, seq: number): ServerFrame => ({
  type: "message",
  room: "r1",
  message: { id, room: "r1", seq, sender: "a", kind: "text", content: id, client_id: id, created_at: "" },
});

test("live events during a join are held back and de-duplicated against the replay", () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  conn.beginJoin("r1");
  for (const f of [msgFrame("m2", 2), msgFrame("m3", 3)]) conn.deliver("r1", f, encodeFrame(f));
  assert.equal(sent.length, 0, "nothing is written before the replay");
  conn.send(msgFrame("m1", 1));
  conn.send(msgFrame("m2", 2));
  conn.finishJoin("r1", new Set(["m1", "m2"]));
  assert.deepEqual(
    sent.map((f) => (f.type === "message" ? f.message.id : f.type)),
    ["m1", "m2", "m3"],
  );
  const live = msgFrame("m4", 4);
  conn.deliver("r1", live, encodeFrame(live));
  assert.equal(sent.length, 4, "after the join, events are written straight through");
});

test("a message at or below what the join's replay covered is not sent again live (a hole fill racing the join)", () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  conn.beginJoin("r1");
  for (const seq of [1, 2, 3]) conn.send(msgFrame(`m${seq}`, seq));
  conn.finishJoin("r1", new Set(["m1", "m2", "m3"]), 3);
  for (const f of [msgFrame("m2", 2), msgFrame("m3", 3), msgFrame("m4", 4), msgFrame("m4", 4)]) conn.deliver("r1", f, encodeFrame(f));
  assert.deepEqual(
    sent.map((f) => (f.type === "message" ? f.message.id : f.type)),
    ["m1", "m2", "m3", "m4"],
  );
});

test("leaving a room forgets its seqs: a later join replays from scratch and live messages flow again", () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  conn.beginJoin("r1");
  conn.finishJoin("r1", new Set(), 5);
  conn.rooms.delete("r1");
  conn.forget("r1");
  conn.beginJoin("r1");
  conn.send(msgFrame("m3", 3));
  conn.finishJoin("r1", new Set(["m3"]), 3);
  const live = msgFrame("m4", 4);
  conn.deliver("r1", live, encodeFrame(live));
  assert.deepEqual(
    sent.map((f) => (f.type === "message" ? f.message.id : f.type)),
    ["m3", "m4"],
    "m4 is below the seq sent before the leave, and still delivered after the re-join",
  );
});

test("events for rooms the socket has not joined are dropped", () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  const f = msgFrame("m1", 1);
  conn.deliver("r1", f, encodeFrame(f));
  assert.equal(sent.length, 0);
});

test("frames of one socket are handled strictly in order", async () => {
  const { socket } = fakeSocket();
  const conn = newConnection(socket);
  const order: number[] = [];
  conn.enqueue({ type: "ping" }, async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push(1);
  });
  conn.enqueue({ type: "ping" }, async () => {
    order.push(2);
  });
  await conn.drain();
  assert.deepEqual(order, [1, 2]);
});

test("a frame that outlives the frame timeout answers UNAVAILABLE and the queue moves on", async () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket, { timeoutMs: 50 });
  const ran: string[] = [];
  conn.enqueue({ type: "ping", id: "11111111-1111-4111-8111-111111111111" }, () => new Promise<void>(() => {}));
  await new Promise((r) => setTimeout(r, 30));
  conn.enqueue({ type: "ping" }, async () => {
    ran.push("second");
  });
  await conn.drain();
  assert.deepEqual(ran, ["second"], "the second frame still had time when the first gave up");
  const error = sent.find((f) => f.type === "error");
  assert.ok(error && error.type === "error");
  assert.equal(error.code, "UNAVAILABLE");
  assert.equal(error.retryable, true);
  assert.equal(error.ref, "11111111-1111-4111-8111-111111111111");
});

test("each frame type is charged before its handler runs; an empty budget refuses without running it", async () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  let ran = 0;
  for (let i = 0; i < 30; i++) conn.enqueue({ type: "typing", room: "r1", state: "start" }, async () => void ran++);
  await conn.drain();
  assert.equal(ran, 20, "the typing burst is 20");
  const refused = sent.filter((f) => f.type === "error" && f.code === "RATE_LIMITED");
  assert.equal(refused.length, 10);
  assert.ok(refused.every((f) => f.type === "error" && (f.retry_after_ms ?? 0) > 0));
  // Another frame type has its own budget.
  conn.enqueue({ type: "ping" }, async () => void ran++);
  await conn.drain();
  assert.equal(ran, 21);
});

test("frame budgets refill over time", () => {
  let now = 0;
  const budgets = new FrameBudgets(1, () => now);
  for (let i = 0; i < 10; i++) budgets.take("presence");
  assert.throws(() => budgets.take("presence"), { code: "RATE_LIMITED" });
  now += 1_000;
  budgets.take("presence");
  budgets.take("presence");
  assert.throws(() => budgets.take("presence"), { code: "RATE_LIMITED" });
});

test("the heartbeat drops nobody in a round that started late (the server was stalled, not the clients)", () => {
  let now = 0;
  const clock = new HeartbeatClock(1_000, () => now);
  now += 1_000;
  assert.deepEqual(clock.tick(), { lateMs: 0, mayDrop: true });
  now += 1_200;
  assert.equal(clock.tick().mayDrop, true, "a little late still counts");
  now += 5_000;
  assert.deepEqual(clock.tick(), { lateMs: 4_000, mayDrop: false });
  now += 1_000;
  assert.equal(clock.tick().mayDrop, true, "the next punctual round may drop silent sockets again");
});

test("the frame timeout counts from arrival: time spent behind a slower frame is part of it", async () => {
  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket, { timeoutMs: 100 });
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  conn.enqueue({ type: "ping", id: "11111111-1111-4111-8111-111111111111" }, () => sleep(70));
  // 70 ms waiting plus 60 ms of its own: within the timeout measured from its start, past it from arrival.
  conn.enqueue({ type: "ping", id: "22222222-2222-4222-8222-222222222222" }, () => sleep(60));
  await conn.drain();
  const errors = sent.filter((f) => f.type === "error");
  assert.deepEqual(
    errors.map((f) => (f.type === "error" ? [f.ref, f.code, f.retryable] : [])),
    [["22222222-2222-4222-8222-222222222222", "UNAVAILABLE", true]],
  );
});

test("an idle connection allocates no Map or Set of its own; each is made on first use and works from there", async () => {
  const a = newConnection(fakeSocket().socket);
  const b = newConnection(fakeSocket().socket);
  // Own state one level deep (the frame budgets included): any Map or Set must be shared.
  const collections = (conn: Connection) =>
    Object.entries(conn).flatMap(([key, value]) => [[key, value] as const, ...(value instanceof FrameBudgets ? Object.entries(value).map(([k, v]) => [`${key}.${k}`, v] as const) : [])]);
  const bCollections = new Map(collections(b));
  for (const [key, value] of collections(a)) {
    if (value instanceof Map || value instanceof Set) assert.equal(bCollections.get(key), value, `${key} is allocated per connection`);
  }
  assert.deepEqual([...a.followedRooms()], []);

  const { socket, sent } = fakeSocket();
  const conn = newConnection(socket);
  conn.budgets.take("join");
  const presence = (status: "online" | "away"): ServerFrame => ({ type: "presence", user: "u2", status, last_seen: null });
  conn.deliver("r1", presence("online"), encodeFrame(presence("online")));
  assert.equal(sent.length, 0, "nothing for a room the socket does not follow");
  conn.beginJoin("r1");
  conn.finishJoin("r1", new Set());
  conn.watched.add("r2");
  assert.deepEqual([...conn.followedRooms()].sort(), ["r1", "r2"]);
  for (const status of ["online", "online", "away"] as const) conn.deliver("r1", presence(status), encodeFrame(presence(status)));
  assert.deepEqual(
    sent.map((f) => (f.type === "presence" ? f.status : f.type)),
    ["online", "away"],
    "a repeated presence is sent once",
  );
  // The first streaming message this socket sees starts its delta order: deltas follow it in order.
  const streaming: ServerFrame = { type: "message", room: "r1", message: { id: "s1", room: "r1", seq: 1, sender: "bot", kind: "text", content: "", client_id: "s1", created_at: "", streaming: true } };
  const delta = (index: number): ServerFrame => ({ type: "delta", room: "r1", message: "s1", seq: 1, index, text: `t${index}` });
  conn.deliver("r1", delta(1), encodeFrame(delta(1)));
  conn.deliver("r1", streaming, encodeFrame(streaming));
  conn.deliver("r1", delta(0), encodeFrame(delta(0)));
  // Deltas leave at the end of the event loop's turn (delta-outbox.ts).
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    sent.slice(2).map((f) => (f.type === "delta" ? `delta ${f.index}` : f.type)),
    ["message", "delta 0", "delta 1"],
  );
  conn.clearRooms();
  assert.deepEqual([...conn.followedRooms()], []);
  const late = msgFrame("m9", 9);
  conn.deliver("r1", late, encodeFrame(late));
  assert.equal(sent.length, 5, "a closed socket's rooms deliver nothing");
});
