import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type WebSocket from "ws";
import type { ServerFrame } from "@/protocol";
import { Connection } from "@/server/realtime/connection";
import { encodeFrame } from "@/server/realtime/send";

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
  const conn = new Connection(socket, pino({ level: "silent" }));
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

test("events for rooms the socket has not joined are dropped", () => {
  const { socket, sent } = fakeSocket();
  const conn = new Connection(socket, pino({ level: "silent" }));
  const f = msgFrame("m1", 1);
  conn.deliver("r1", f, encodeFrame(f));
  assert.equal(sent.length, 0);
});

test("frames of one socket are handled strictly in order", async () => {
  const { socket } = fakeSocket();
  const conn = new Connection(socket, pino({ level: "silent" }));
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
