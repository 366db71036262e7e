import assert from "node:assert/strict";
import { test } from "node:test";
import type { AppendInput, AppendResult } from "@/db/queries/messages";
import { AppendQueue, coalescing, MAX_BATCH, type BatchWriter, type MultiBatchWriter } from "@/server/chat/append-queue";

const input = (room: string, n: number): AppendInput => ({
  id: `${room}-m${n}`,
  roomId: room,
  senderId: "alice",
  senderName: "alice",
  recipientId: null,
  kind: "text",
  content: `hello ${n}`,
  replyTo: null,
  clientId: `${room}-c${n}`,
  meta: null,
});

/** A writer that records its batches and numbers messages per room like the database does. */
function recordingWriter(opts: { failRoom?: string; delayMs?: number } = {}) {
  const batches: Array<{ room: string; size: number }> = [];
  const seqs = new Map<string, number>();
  let inFlight = 0;
  let maxInFlightPerRoom = 0;
  const write: BatchWriter = async (room, inputs) => {
    inFlight++;
    maxInFlightPerRoom = Math.max(maxInFlightPerRoom, inFlight);
    batches.push({ room, size: inputs.length });
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
    inFlight--;
    if (room === opts.failRoom) throw new Error("connection lost");
    return inputs.map((i): AppendResult => {
      const seq = (seqs.get(room) ?? 0) + 1;
      seqs.set(room, seq);
      return { ok: true, created: true, message: { ...i, senderDisplay: null, mentions: [], seq, createdAt: new Date(), editedAt: null, deletedAt: null, preview: null } };
    });
  };
  return { write, batches, maxInFlight: () => maxInFlightPerRoom };
}

test("sends that arrive while a room's batch is being written are committed together, in order", async () => {
  const writer = recordingWriter();
  const queue = new AppendQueue(writer.write);
  const results = await Promise.all(Array.from({ length: 50 }, (_, n) => queue.append(input("r1", n))));
  assert.deepEqual(
    results.map((r) => (r.ok ? r.message.seq : -1)),
    Array.from({ length: 50 }, (_, n) => n + 1),
    "each send gets its own seq, in the order it arrived",
  );
  assert.ok(writer.batches.length < 50, `50 sends took ${writer.batches.length} transactions`);
  assert.equal(writer.maxInFlight(), 1, "one batch per room at a time");
});

test("a batch never exceeds MAX_BATCH", async () => {
  const writer = recordingWriter();
  const queue = new AppendQueue(writer.write);
  await Promise.all(Array.from({ length: MAX_BATCH + 10 }, (_, n) => queue.append(input("r1", n))));
  assert.ok(writer.batches.every((b) => b.size <= MAX_BATCH));
  assert.equal(
    writer.batches.reduce((sum, b) => sum + b.size, 0),
    MAX_BATCH + 10,
  );
});

test("a failed batch fails only its own sends; other rooms and later batches go on", async () => {
  const writer = recordingWriter({ failRoom: "broken" });
  const queue = new AppendQueue(writer.write);
  const settled = await Promise.allSettled([
    ...Array.from({ length: 5 }, (_, n) => queue.append(input("broken", n))),
    ...Array.from({ length: 5 }, (_, n) => queue.append(input("fine", n))),
  ]);
  assert.deepEqual(
    settled.map((s) => s.status),
    [...Array(5).fill("rejected"), ...Array(5).fill("fulfilled")],
  );
  const again = await queue.append(input("fine", 99));
  assert.ok(again.ok && again.message.seq === 6, "the queue keeps working after a failure");
});

/** A shared-transaction writer over `recordingWriter`: one round = one "transaction". */
function sharedRounds(one: ReturnType<typeof recordingWriter>, opts: { failWhenRoom?: string } = {}) {
  const rounds: string[][] = [];
  const many: MultiBatchWriter = async (batches) => {
    rounds.push(batches.map((b) => b.room));
    if (opts.failWhenRoom && batches.some((b) => b.room === opts.failWhenRoom)) throw new Error("transaction aborted");
    const out: AppendResult[][] = [];
    for (const b of batches) out.push(await one.write(b.room, b.inputs));
    return out;
  };
  return { many, rounds };
}

test("coalescing: rooms waiting behind a transaction share the next one, locked in room order", async () => {
  const one = recordingWriter({ delayMs: 2 });
  const shared = sharedRounds(one);
  const queue = new AppendQueue(coalescing(shared.many, one.write));
  const rooms = ["r3", "r1", "r2", "r4"];
  const results = await Promise.all(rooms.flatMap((room) => Array.from({ length: 5 }, (_, n) => queue.append(input(room, n)))));
  assert.ok(results.every((r) => r.ok));
  for (const room of rooms) {
    const seqs: number[] = results.filter((r) => r.ok && r.message.roomId === room).map((r) => (r.ok ? r.message.seq : 0));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5], `${room} keeps gap-free seqs in arrival order`);
  }
  assert.ok(shared.rounds.length > 0 && shared.rounds.length < 4, `4 rooms took ${shared.rounds.length} shared transactions`);
  for (const round of shared.rounds) assert.deepEqual(round, [...round].sort(), "rooms are locked in id order");
});

test("coalescing: when a shared transaction fails, each room is retried alone and only the broken one fails", async () => {
  const one = recordingWriter({ failRoom: "broken", delayMs: 2 });
  const shared = sharedRounds(one, { failWhenRoom: "broken" });
  const queue = new AppendQueue(coalescing(shared.many, one.write));
  const settled = await Promise.allSettled([queue.append(input("a", 0)), queue.append(input("broken", 0)), queue.append(input("z", 0))]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.ok(shared.rounds.some((r) => r.length > 1), "the three rooms first shared a transaction");
});

test("coalescing: with several rounds at once, concurrent transactions never share a room", async () => {
  const one = recordingWriter({ delayMs: 4 });
  const inFlight = new Set<string>();
  let overlap = false;
  let maxRounds = 0;
  let open = 0;
  const many: MultiBatchWriter = async (batches) => {
    open++;
    maxRounds = Math.max(maxRounds, open);
    for (const b of batches) {
      if (inFlight.has(b.room)) overlap = true;
      inFlight.add(b.room);
    }
    const out: AppendResult[][] = [];
    for (const b of batches) out.push(await one.write(b.room, b.inputs));
    for (const b of batches) inFlight.delete(b.room);
    open--;
    return out;
  };
  const queue = new AppendQueue(coalescing(many, one.write, 3));
  const rooms = ["a", "b", "c", "d", "e"];
  const sends: Array<Promise<AppendResult>> = [];
  // Rooms arrive one after another, so later ones find the first transaction busy.
  for (let wave = 0; wave < 6; wave++) {
    for (const room of rooms) {
      sends.push(queue.append(input(room, wave)));
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const results = await Promise.all(sends);
  assert.ok(results.every((r) => r.ok));
  assert.equal(overlap, false, "a room was in two transactions at once");
  assert.ok(maxRounds > 1, "rounds ran concurrently");
  for (const room of rooms) {
    const seqs: number[] = results.filter((r) => r.ok && r.message.roomId === room).map((r) => (r.ok ? r.message.seq : 0));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6]);
  }
});
