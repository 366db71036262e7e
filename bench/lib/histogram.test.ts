import assert from "node:assert/strict";
import { test } from "node:test";
import { Histogram } from "./histogram";

test("quantiles land within one 2 % bucket of the exact value", () => {
  const h = new Histogram();
  for (let i = 1; i <= 1000; i++) h.record(i);
  for (const [q, exact] of [
    [0.5, 500],
    [0.99, 990],
    [1, 1000],
  ] as const) {
    const got = h.quantile(q)!;
    assert.ok(got >= exact && got <= exact * 1.02, `q${q}: ${got} vs ${exact}`);
  }
  assert.equal(new Histogram().quantile(0.5), null);
});

test("merged histograms answer like one that saw every sample", () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  for (let i = 0; i < 500; i++) {
    const x = 0.05 + ((i * 7919) % 3000) / 10;
    (i % 2 ? a : b).record(x);
    all.record(x);
  }
  const merged = Histogram.from(a.toJSON());
  merged.merge(b.toJSON());
  assert.equal(merged.count, 500);
  for (const q of [0.1, 0.5, 0.9, 0.99]) assert.equal(merged.quantile(q), all.quantile(q));
});
