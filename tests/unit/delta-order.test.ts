import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message, ServerFrameOf } from "@/protocol";
import { DeltaOrder } from "@/server/realtime/delta-order";

const reply = (content: string, streamIndex: number | null, extra: Partial<Message> = {}): Message => ({
  id: "r1",
  room: "room",
  seq: 7,
  sender: "bot",
  kind: "text",
  content,
  client_id: "ai:q",
  created_at: new Date(0).toISOString(),
  streaming: streamIndex !== null,
  meta: streamIndex !== null ? { streaming: true, stream_index: streamIndex } : { streaming: false },
  ...extra,
});
const delta = (index: number, id = "r1"): [ServerFrameOf<"delta">, string] => {
  const frame: ServerFrameOf<"delta"> = { type: "delta", room: "room", message: id, seq: 7, index, text: `d${index}` };
  return [frame, JSON.stringify(frame)];
};
const texts = (encoded: Array<string | Buffer>) => encoded.map((e) => (JSON.parse(String(e)) as { text: string }).text);

test("deltas after their message pass in order; copies below the message's stream_index are dropped", () => {
  const order = new DeltaOrder();
  assert.deepEqual(order.message(reply("first d0 d1", 2)), []);
  assert.deepEqual(texts(order.delta(...delta(0))), [], "already in the content");
  assert.deepEqual(texts(order.delta(...delta(1))), []);
  assert.deepEqual(texts(order.delta(...delta(2))), ["d2"]);
  assert.deepEqual(texts(order.delta(...delta(2))), [], "a repeat");
  assert.deepEqual(texts(order.delta(...delta(3))), ["d3"]);
});

test("deltas that overtake their message wait for it, then the ones it lacks follow it", () => {
  const order = new DeltaOrder();
  assert.deepEqual(order.delta(...delta(3)), []);
  assert.deepEqual(order.delta(...delta(4)), []);
  assert.deepEqual(order.delta(...delta(1)), []);
  // The catch-up's content covers deltas 0..2: 1 is a copy, 3 and 4 follow in order.
  assert.deepEqual(texts(order.message(reply("text", 3))), ["d3", "d4"]);
  assert.deepEqual(texts(order.delta(...delta(5))), ["d5"]);
});

test("a gap holds later deltas until the missing one arrives", () => {
  const order = new DeltaOrder();
  order.message(reply("x", 0));
  assert.deepEqual(texts(order.delta(...delta(0))), ["d0"]);
  assert.deepEqual(texts(order.delta(...delta(2))), []);
  assert.deepEqual(texts(order.delta(...delta(1))), ["d1", "d2"]);
});

test("a newer message frame for the same reply restarts from its stream_index", () => {
  const order = new DeltaOrder();
  order.message(reply("x", 0));
  assert.deepEqual(texts(order.delta(...delta(0))), ["d0"]);
  order.message(reply("x d0 d1 d2", 3));
  assert.deepEqual(texts(order.delta(...delta(1))), []);
  assert.deepEqual(texts(order.delta(...delta(3))), ["d3"]);
});

test("the final update ends the reply; a masked (blocked) reply gets no text", () => {
  const order = new DeltaOrder();
  order.message(reply("x", 0));
  order.message(reply("x d0", null));
  assert.deepEqual(order.delta(...delta(0)), [], "no message streaming: held, never written");
  const blocked = new DeltaOrder();
  blocked.message(reply("", 0, { blocked: true, meta: null }));
  assert.deepEqual(blocked.delta(...delta(0)), []);
  assert.deepEqual(blocked.delta(...delta(1)), []);
});
