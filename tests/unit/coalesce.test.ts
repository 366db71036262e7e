/**
 * The adaptive delta window (server/ai/coalesce.ts, docs/ai.md "Coalescing"), fed numbers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { deltaWindowMs, LAG_TARGET_MS, LoopLag, type DeltaWindowConfig } from "@/server/ai/coalesce";

const config: DeltaWindowConfig = { AI_DELTA_WINDOW_MS: 100, AI_COALESCE_FROM: 4, AI_DELTA_WINDOW_MAX_MS: 1_000 };

test("below AI_COALESCE_FROM every chunk goes out at once, whatever the lag", () => {
  assert.equal(deltaWindowMs(config, { running: 1, lagMs: 0 }), 0);
  assert.equal(deltaWindowMs(config, { running: 3, lagMs: 0 }), 0);
  assert.equal(deltaWindowMs(config, { running: 1, lagMs: 500 }), 0, "one reply costs little; a late loop is not its doing");
});

test("from AI_COALESCE_FROM on the window grows in step with the replies running, so delta frames a second stay bounded", () => {
  assert.equal(deltaWindowMs(config, { running: 4, lagMs: 0 }), 100);
  assert.equal(deltaWindowMs(config, { running: 8, lagMs: 0 }), 200);
  assert.equal(deltaWindowMs(config, { running: 20, lagMs: 0 }), 500);
  // Deltas a second per reply × replies: the same at 4, 8 and 20 replies.
  for (const running of [4, 8, 20]) assert.equal((running * 1000) / deltaWindowMs(config, { running, lagMs: 0 }), 40);
});

test("a late event loop widens the window beyond what the count asks, one base window per LAG_TARGET_MS", () => {
  assert.equal(deltaWindowMs(config, { running: 4, lagMs: LAG_TARGET_MS }), 100, "lag at the target: the base window");
  assert.equal(deltaWindowMs(config, { running: 4, lagMs: 3 * LAG_TARGET_MS }), 300);
  assert.equal(deltaWindowMs(config, { running: 8, lagMs: 3 * LAG_TARGET_MS }), 300, "the wider of the two");
  assert.equal(deltaWindowMs(config, { running: 12, lagMs: LAG_TARGET_MS }), 300);
  assert.equal(deltaWindowMs(config, { running: 4, lagMs: -3 }), 100, "a negative reading is no lag");
});

test("it narrows again as the load goes: fewer replies, less lag, back to each chunk at once", () => {
  const loaded = deltaWindowMs(config, { running: 40, lagMs: 30 });
  const calmer = deltaWindowMs(config, { running: 8, lagMs: 6 });
  const calm = deltaWindowMs(config, { running: 4, lagMs: 0 });
  assert.ok(loaded > calmer && calmer > calm, `${loaded} > ${calmer} > ${calm}`);
  assert.equal(deltaWindowMs(config, { running: 2, lagMs: 30 }), 0);
});

test("capped at AI_DELTA_WINDOW_MAX_MS (never below the base window); AI_DELTA_WINDOW_MS 0 switches coalescing off", () => {
  assert.equal(deltaWindowMs(config, { running: 100, lagMs: 0 }), 1_000);
  assert.equal(deltaWindowMs(config, { running: 4, lagMs: 10_000 }), 1_000);
  assert.equal(deltaWindowMs({ ...config, AI_DELTA_WINDOW_MAX_MS: 0 }, { running: 100, lagMs: 100 }), 100);
  assert.equal(deltaWindowMs({ ...config, AI_DELTA_WINDOW_MS: 0 }, { running: 100, lagMs: 100 }), 0);
});

test("LoopLag: no lag while nothing runs; a blocked loop reads as lag; it forgets when generations stop", async () => {
  const lag = new LoopLag();
  assert.equal(lag.sample(), 0);
  lag.track(1);
  // Block the loop for 100 ms at a time: the sampler's 10 ms timer runs about 90 ms late each time.
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    const until = performance.now() + 100;
    while (performance.now() < until);
  }
  const blocked = lag.sample();
  assert.ok(blocked > LAG_TARGET_MS, `lag read ${blocked} ms`);
  lag.track(0);
  assert.equal(lag.ms, 0);
  assert.equal(lag.sample(), 0);
});
