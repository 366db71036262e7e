import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "@/server/log";
import { createMetrics, LATENCY_BUCKETS } from "@/server/metrics";
import { createMetricsHistory, quantileMs } from "@/server/metrics-history";

const buckets = (entries: Record<number, number>) => Array.from({ length: LATENCY_BUCKETS.length + 1 }, (_, i) => entries[i] ?? 0);

test("quantiles interpolate inside the bucket that holds the rank, like histogram_quantile", () => {
  assert.equal(quantileMs(buckets({}), 0.5), null, "nothing observed");
  // 10 observations in (1 ms, 2.5 ms]: the median is halfway through that bucket.
  assert.equal(quantileMs(buckets({ 2: 10 }), 0.5), 1.75);
  // 99 fast and 1 slow: p50 is fast, p99 at the top of the fast bucket, p100 in the slow one.
  const mixed = buckets({ 0: 99, 8: 1 });
  assert.equal(quantileMs(mixed, 0.5), 0.25);
  assert.equal(quantileMs(mixed, 0.99), 0.5);
  assert.ok(quantileMs(mixed, 1)! > 100);
  // Beyond the last finite bound the answer is that bound.
  assert.equal(quantileMs(buckets({ [LATENCY_BUCKETS.length]: 3 }), 0.99), LATENCY_BUCKETS.at(-1)! * 1000);
});

test("samples the registry: per-interval rates and latencies, not totals since start", async () => {
  const metrics = createMetrics(async () => 7);
  const history = await createMetricsHistory(metrics, { METRICS_SAMPLE_MS: 250, REDIS_URL: undefined }, createLogger("silent"));
  try {
    metrics.sockets.inc({ state: "authenticated" }, 3);
    metrics.messagesPersisted.inc(50);
    for (let i = 0; i < 20; i++) metrics.sendAck.observe(0.002);
    const withData = async () => {
      for (let i = 0; i < 40; i++) {
        const s = await history.series(0);
        const hit = s.total.find((p) => p.messages_per_s > 0);
        if (hit) return { series: s, point: hit };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no sample with messages");
    };
    const { series, point } = await withData();
    assert.equal(series.instances.length, 1);
    assert.equal(series.instances[0]!.id, history.instanceId);
    assert.equal(point.connections, 3);
    assert.ok(point.messages_per_s > 50 && point.messages_per_s <= 250, `50 messages in about a quarter second (${point.messages_per_s}/s)`);
    assert.ok(point.send_ack_p50_ms! > 1 && point.send_ack_p50_ms! <= 2.5);
    assert.equal(point.jobs_queued, 7);
    // The next interval saw no new messages or acks.
    await new Promise((r) => setTimeout(r, 600));
    const later = (await history.series(point.t)).total;
    assert.ok(later.length >= 1);
    assert.ok(later.every((p) => p.messages_per_s === 0 && p.send_ack_p99_ms === null && p.connections === 3));
  } finally {
    await history.close();
  }
});
