import assert from "node:assert/strict";
import { test } from "node:test";
import { reconnectDelay } from "@/lib/sync/backoff";

test("reconnects at once, then after 1, 2, 4, 8 s, then every 30 s", () => {
  assert.deepEqual(
    Array.from({ length: 8 }, (_, attempt) => reconnectDelay(attempt)),
    [0, 1_000, 2_000, 4_000, 8_000, 30_000, 30_000, 30_000],
  );
});
