/**
 * The comparison the fault scenarios rely on, fed recordings with known faults: if it could
 * not see a lost, duplicated, reordered or missed message, every scenario would pass vacuously.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message } from "@/protocol";
import { compare, Recorder } from "./harness";

const ROOM = "room-1";
const ALICE = "user-alice";

function message(seq: number, clientId = `client-${seq}`): Message {
  return { id: `msg-${seq}`, room: ROOM, seq, sender: ALICE, kind: "text", content: `#${seq}`, client_id: clientId, created_at: "2026-01-01T00:00:00.000Z" };
}

const settled = [{ pending: 0, failed: 0 }];
const receivers = [{ name: "bob" }];

/** Alice sent and got acks for seq 1..n; Bob joined the room at seq 0. */
function recording(n: number): Recorder {
  const recorder = new Recorder();
  recorder.noteBaseline("bob", ROOM, 0);
  recorder.noteSession("bob");
  for (let seq = 1; seq <= n; seq++) {
    recorder.noteSent(`client-${seq}`, ROOM, "alice");
    recorder.noteAck(`client-${seq}`, message(seq));
  }
  return recorder;
}

test("a clean run counts nothing wrong", () => {
  const recorder = recording(3);
  for (const seq of [1, 2, 3]) recorder.noteDelivery("bob", 1, message(seq));
  const counts = compare(recorder, new Map([[ROOM, [1, 2, 3].map((s) => message(s))]]), receivers, settled);
  assert.deepEqual(
    { sent: counts.sent, acked: counts.acked, stored: counts.stored, lost: counts.lost, storedTwice: counts.storedTwice, deliveredTwice: counts.deliveredTwice, outOfOrder: counts.outOfOrder, missed: counts.missed },
    { sent: 3, acked: 3, stored: 3, lost: 0, storedTwice: 0, deliveredTwice: 0, outOfOrder: 0, missed: 0 },
  );
});

test("an acked message absent from the history is lost (and not counted as missed)", () => {
  const recorder = recording(3);
  for (const seq of [1, 3]) recorder.noteDelivery("bob", 1, message(seq));
  const counts = compare(recorder, new Map([[ROOM, [1, 3].map((s) => message(s))]]), receivers, settled);
  assert.equal(counts.lost, 1);
  assert.equal(counts.missed, 0, "what was never stored cannot be missed");
});

test("a client id stored twice and an ack naming another message are both caught", () => {
  const recorder = recording(2);
  const stored = [message(1), message(2), { ...message(3, "client-2"), id: "msg-3" }];
  recorder.noteAck("client-2", { ...message(3, "client-2") });
  const counts = compare(recorder, new Map([[ROOM, stored]]), receivers, settled);
  assert.equal(counts.storedTwice, 1);
  assert.equal(counts.ackMismatch, 1);
});

test("a second delivery of one message, a lower seq after a higher one, and a hole are counted", () => {
  const recorder = recording(4);
  for (const seq of [1, 3, 2, 3]) recorder.noteDelivery("bob", 1, message(seq));
  const counts = compare(recorder, new Map([[ROOM, [1, 2, 3, 4].map((s) => message(s))]]), receivers, settled);
  assert.equal(counts.deliveredTwice, 1);
  assert.equal(counts.outOfOrder, 1);
  assert.equal(counts.missed, 1, "seq 4 never arrived");
});

test("only messages after a receiver's first join are expected of it", () => {
  const recorder = recording(3);
  recorder.baselines.get("bob")!.set(ROOM, 2);
  recorder.noteDelivery("bob", 1, message(3));
  const counts = compare(recorder, new Map([[ROOM, [1, 2, 3].map((s) => message(s))]]), receivers, settled);
  assert.equal(counts.missed, 0);
});

test("frames that never got an answer and the longest wait are reported", () => {
  const recorder = recording(1);
  recorder.waits.push(
    { client: "alice", kind: "send", ms: 40, outcome: "answered" },
    { client: "alice", kind: "send", ms: 42_000, outcome: "closed" },
    { client: "alice", kind: "join", ms: 30_000, outcome: "pending" },
  );
  recorder.errors.push({ client: "alice", kind: "send", code: "INTERNAL", retryable: false, message: "boom" });
  const counts = compare(recorder, new Map([[ROOM, [message(1)]]]), receivers, [{ pending: 1, failed: 2 }]);
  assert.deepEqual(
    { maxWaitMs: counts.maxWaitMs, unanswered: counts.unanswered, stuck: counts.stuck, nonRetryableErrors: counts.nonRetryableErrors, unsettled: counts.unsettled, failed: counts.failed, errors: counts.errors },
    { maxWaitMs: 42_000, unanswered: 1, stuck: 1, nonRetryableErrors: 1, unsettled: 1, failed: 2, errors: { "send:INTERNAL(final)": 1 } },
  );
});
