import assert from "node:assert/strict";
import { test } from "node:test";
import type WebSocket from "ws";
import { DeltaOutbox, HOLD_BYTES } from "@/server/realtime/delta-outbox";

/** A socket as the outbox uses it: records what was sent, and whether its TCP stream was corked then. */
function fakeSocket() {
  let corked = 0;
  const fake = {
    readyState: 1,
    bufferedAmount: 0,
    protocol: "",
    sent: [] as Array<{ data: string; corked: boolean }>,
    closed: null as number | null,
    send(data: string) {
      fake.sent.push({ data: String(data), corked: corked > 0 });
    },
    close(code: number) {
      fake.closed = code;
    },
    _socket: {
      cork: () => void corked++,
      uncork: () => void corked--,
    },
  };
  return { fake, socket: fake as unknown as WebSocket };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test("deltas queued in one turn leave after it, in order, in one corked write", async () => {
  const { fake, socket } = fakeSocket();
  const outbox = new DeltaOutbox(socket);
  outbox.push("r1", ["a0", "a1"]);
  outbox.push("r2", ["b0"]);
  outbox.push("r1", ["a2"]);
  assert.equal(fake.sent.length, 0, "nothing is written during the turn that queued them");
  assert.ok(outbox.holds("r1") && outbox.holds("r2") && !outbox.holds("r3"));
  await turn();
  assert.deepEqual(
    fake.sent.map((s) => s.data),
    ["a0", "a1", "b0", "a2"],
  );
  assert.ok(fake.sent.every((s) => s.corked), "all inside one cork");
  assert.equal(outbox.size, 0);
});

test("flush writes what waits at once, before the frame that must follow it", () => {
  const { fake, socket } = fakeSocket();
  const outbox = new DeltaOutbox(socket);
  outbox.push("r1", ["a0"]);
  outbox.flush();
  assert.deepEqual(
    fake.sent.map((s) => s.data),
    ["a0"],
  );
  assert.equal(outbox.holds("r1"), false);
});

test("a socket whose send buffer is over the bound keeps its deltas, in order, until it drains", async () => {
  const { fake, socket } = fakeSocket();
  const outbox = new DeltaOutbox(socket);
  fake.bufferedAmount = HOLD_BYTES + 1;
  outbox.push("r1", ["a0"]);
  await turn();
  outbox.push("r1", ["a1"]);
  await turn();
  assert.equal(fake.sent.length, 0, "held while the peer is behind");
  assert.equal(outbox.size, 2);
  fake.bufferedAmount = 0;
  while (fake.sent.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(
    fake.sent.map((s) => s.data),
    ["a0", "a1"],
  );
  assert.equal(fake.closed, null);
});

test("a socket that lets 8 MB of deltas wait is closed with 1013 and keeps none", async () => {
  const { fake, socket } = fakeSocket();
  const outbox = new DeltaOutbox(socket);
  fake.bufferedAmount = HOLD_BYTES + 1;
  const big = "x".repeat(1024 * 1024);
  for (let i = 0; i < 8; i++) outbox.push("r1", [big]);
  assert.equal(fake.closed, null, "8 MB is still allowed");
  outbox.push("r1", ["one more"]);
  assert.equal(fake.closed, 1013);
  assert.equal(outbox.size, 0);
  await turn();
  assert.equal(fake.sent.length, 0);
});

test("a closed socket's waiting deltas are dropped, not written", async () => {
  const { fake, socket } = fakeSocket();
  const outbox = new DeltaOutbox(socket);
  outbox.push("r1", ["a0"]);
  fake.readyState = 3;
  await turn();
  assert.equal(fake.sent.length, 0);
  assert.equal(outbox.size, 0);
});
