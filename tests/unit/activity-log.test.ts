import assert from "node:assert/strict";
import { test } from "node:test";
import type { ActivityRow } from "@/db/queries/activity";
import { ACTIVITY_BATCH_ROWS, ActivityLog } from "@/server/chat/activity";
import { createLogger } from "@/server/log";

const log = createLogger("silent");

/** A fake table: each call is one statement; `hold` keeps statements from finishing until released. */
function table() {
  const statements: Array<readonly ActivityRow[]> = [];
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  return {
    statements,
    rows: () => statements.flat(),
    hold() {
      held = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release?.(),
    write: async (rows: readonly ActivityRow[]) => {
      statements.push(rows);
      await held;
    },
  };
}

test("a burst of connects becomes a few multi-row statements with every row, each at the time it happened", async () => {
  const t = table();
  const activity = new ActivityLog(t.write, log, 50);
  const started = Date.now();
  const users = Array.from({ length: 25 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
  for (let i = 0; i < 1_200; i++) activity.record("connect", { userId: users[i % users.length] });
  await activity.flush();
  assert.deepEqual(
    t.statements.map((s) => s.length),
    [ACTIVITY_BATCH_ROWS, ACTIVITY_BATCH_ROWS, 1_200 - 2 * ACTIVITY_BATCH_ROWS],
  );
  const rows = t.rows();
  assert.equal(new Set(rows.map((r) => r.id)).size, 1_200, "one row per connect, each its own id");
  assert.ok(rows.every((r) => r.kind === "connect" && r.roomId === null));
  for (const user of users) assert.equal(rows.filter((r) => r.userId === user).length, 1_200 / users.length);
  assert.ok(rows.every((r) => r.createdAt instanceof Date && r.createdAt.getTime() >= started && r.createdAt.getTime() <= Date.now()));
});

test("a few connects are written together after the delay, without anyone asking", async () => {
  const t = table();
  const activity = new ActivityLog(t.write, log, 30);
  activity.record("connect", { userId: "a" });
  activity.record("connect", { userId: "b" });
  assert.equal(t.statements.length, 0);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(
    t.statements.map((s) => s.map((r) => r.userId)),
    [["a", "b"]],
  );
});

test("rows recorded while a statement runs wait for it and go together in the next; flush covers them", async () => {
  const t = table();
  const activity = new ActivityLog(t.write, log, 10_000);
  t.hold();
  activity.record("connect", { userId: "first" });
  const first = activity.flush();
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 3; i++) activity.record("connect", { userId: `later ${i}` });
  const later = activity.flush();
  assert.equal(activity.flush(), later, "one queued write, however many flushes ask");
  assert.equal(t.statements.length, 1, "one statement at a time");
  t.release();
  await Promise.all([first, later]);
  assert.deepEqual(
    t.statements.map((s) => s.length),
    [1, 3],
  );
});

test("a failed statement is logged and does not stop later rows", async () => {
  let calls = 0;
  const written: ActivityRow[] = [];
  const activity = new ActivityLog(async (rows) => {
    if (calls++ === 0) throw new Error("database away");
    written.push(...rows);
  }, log);
  activity.record("connect", { userId: "lost" });
  await activity.flush();
  activity.record("connect", { userId: "kept" });
  await activity.flush();
  assert.deepEqual(
    written.map((r) => r.userId),
    ["kept"],
  );
});
