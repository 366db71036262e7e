/** lib/sync/frame-batch.ts: order, one scheduled task per burst, and a failing item. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FrameBatch, nextTask } from "@/lib/sync/frame-batch";

test("items are applied in order, in one scheduled run per burst", () => {
  const runs: (() => void)[] = [];
  const applied: number[] = [];
  const batch = new FrameBatch<number>((n) => applied.push(n), (run) => runs.push(run));
  for (const n of [1, 2, 3]) batch.push(n);
  assert.equal(runs.length, 1, "one run scheduled for the burst");
  assert.deepEqual(applied, []);
  runs[0]!();
  assert.deepEqual(applied, [1, 2, 3]);
  batch.push(4);
  assert.equal(runs.length, 2, "the next burst schedules again");
  batch.flush();
  assert.deepEqual(applied, [1, 2, 3, 4], "flush applies at once");
  runs[1]!();
  assert.deepEqual(applied, [1, 2, 3, 4], "the scheduled run finds nothing left");
});

test("an item that throws does not stop the ones after it; the first error is rethrown", () => {
  const applied: number[] = [];
  const batch = new FrameBatch<number>((n) => {
    if (n % 2 === 0) throw new Error(`bad ${n}`);
    applied.push(n);
  }, () => {});
  for (const n of [1, 2, 3, 4, 5]) batch.push(n);
  assert.throws(() => batch.flush(), /bad 2/);
  assert.deepEqual(applied, [1, 3, 5]);
});

test("nextTask runs after the current task's microtasks, in order", async () => {
  const schedule = nextTask();
  // Its port does not keep Node's event loop alive (unit tests must exit): a timer does, meanwhile.
  const alive = setTimeout(() => {}, 5_000);
  const order: string[] = [];
  const done = new Promise<void>((resolve) => {
    schedule(() => order.push("task 1"));
    schedule(() => {
      order.push("task 2");
      resolve();
    });
  });
  queueMicrotask(() => order.push("microtask"));
  await done;
  clearTimeout(alive);
  assert.deepEqual(order, ["microtask", "task 1", "task 2"]);
});
