/**
 * The admin dashboard's numbers: every METRICS_SAMPLE_MS each instance reads its own
 * prom-client registry (the one behind /metrics) into a one-hour ring buffer. With REDIS_URL
 * each sample is also appended to a per-instance Redis list (trimmed to an hour, expiring an
 * hour after the instance's last sample), so any instance answers for all of them.
 *
 * A sample keeps latency histograms as per-interval bucket counts rather than percentiles, so
 * the cluster total is a true percentile of the merged histograms, not an average of p99s.
 * Sampling reads in-memory counters (plus the jobs gauge's one query on pg-boss); Redis gets
 * one pipelined write per interval.
 */
import { hostname } from "node:os";
import { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "./config";
import type { Logger } from "./log";
import { LATENCY_BUCKETS, type Metrics } from "./metrics";
import type { Point, Series } from "@/protocol/rest";

const HOUR_MS = 3_600_000;
const INSTANCES_KEY = "confab:metrics:instances";
const instanceKey = (id: string) => `confab:metrics:i:${id}`;

const Sample = z.object({
  /** Milliseconds since the epoch, rounded down to the sampling interval. */
  t: z.number(),
  connections: z.number(),
  messages_per_s: z.number(),
  /** Observations per latency bucket during the interval (LATENCY_BUCKETS, then +Inf). */
  send_ack: z.array(z.number()),
  fanout: z.array(z.number()),
  loop_lag_ms: z.number(),
  jobs_queued: z.number(),
  /** Job runs that failed during the interval. */
  jobs_failed: z.number(),
});
type Sample = z.infer<typeof Sample>;

export interface MetricsHistory {
  readonly instanceId: string;
  readonly intervalMs: number;
  /** Points newer than `since` (ms since the epoch), at most an hour old. */
  series(since: number): Promise<Series>;
  close(): Promise<void>;
}

type Cumulative = { messages: number; sendAck: number[]; fanout: number[]; jobsFailed: number };

export async function createMetricsHistory(metrics: Metrics, config: Pick<Config, "METRICS_SAMPLE_MS" | "REDIS_URL">, log: Logger): Promise<MetricsHistory> {
  const intervalMs = config.METRICS_SAMPLE_MS;
  const capacity = Math.ceil(HOUR_MS / intervalMs);
  const instanceId = `${hostname()}:${process.pid}`;
  const ring: Sample[] = [];
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on("error", (err: Error) => log.debug({ err: err.message }, "metrics history: redis error"));
    await redis.connect().catch((err: unknown) => log.warn({ err }, "metrics history: redis unreachable; showing this instance only"));
  }

  let previous = await readCumulative(metrics);
  let previousAt = Date.now();

  const sample = async () => {
    const now = Date.now();
    const current = await readCumulative(metrics);
    const seconds = Math.max(0.001, (now - previousAt) / 1000);
    const entry: Sample = {
      t: Math.floor(now / intervalMs) * intervalMs,
      connections: await gaugeSum(metrics.sockets),
      messages_per_s: Math.max(0, current.messages - previous.messages) / seconds,
      send_ack: deltas(current.sendAck, previous.sendAck),
      fanout: deltas(current.fanout, previous.fanout),
      loop_lag_ms: (await gaugeByName(metrics, "nodejs_eventloop_lag_p99_seconds")) * 1000,
      jobs_queued: await gaugeSum(metrics.jobsQueued),
      jobs_failed: Math.max(0, current.jobsFailed - previous.jobsFailed),
    };
    previous = current;
    previousAt = now;
    ring.push(entry);
    if (ring.length > capacity) ring.shift();
    if (redis?.status === "ready") {
      await redis
        .multi()
        .rpush(instanceKey(instanceId), JSON.stringify(entry))
        .ltrim(instanceKey(instanceId), -capacity, -1)
        .pexpire(instanceKey(instanceId), HOUR_MS)
        .zadd(INSTANCES_KEY, now, instanceId)
        .zremrangebyscore(INSTANCES_KEY, "-inf", now - HOUR_MS)
        .pexpire(INSTANCES_KEY, HOUR_MS)
        .exec()
        .catch((err: unknown) => log.debug({ err }, "metrics history: publish failed"));
    }
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sample()
      .catch((err: unknown) => log.warn({ err }, "metrics history: sampling failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();

  async function samplesByInstance(since: number): Promise<Map<string, Sample[]>> {
    const byInstance = new Map<string, Sample[]>();
    const floor = Math.max(since, Date.now() - HOUR_MS);
    if (redis?.status === "ready") {
      try {
        const ids = await redis.zrangebyscore(INSTANCES_KEY, Date.now() - HOUR_MS, "+inf");
        const lists = await Promise.all(ids.map((id) => redis!.lrange(instanceKey(id), 0, -1)));
        ids.forEach((id, i) => {
          const samples = (lists[i] ?? []).flatMap((raw) => {
            const parsed = Sample.safeParse(safeJson(raw));
            return parsed.success && parsed.data.t > floor ? [parsed.data] : [];
          });
          if (samples.length) byInstance.set(id, samples);
        });
      } catch (err) {
        log.debug({ err }, "metrics history: read failed; showing this instance only");
      }
    }
    if (!byInstance.has(instanceId)) byInstance.set(instanceId, ring.filter((s) => s.t > floor));
    return byInstance;
  }

  return {
    instanceId,
    intervalMs,
    async series(since) {
      const byInstance = await samplesByInstance(since);
      const instances = [...byInstance].sort(([a], [b]) => a.localeCompare(b)).map(([id, samples]) => ({ id, points: samples.map(toPoint) }));
      return { interval_ms: intervalMs, instances, total: mergeTotal([...byInstance.values()]) };
    },
    async close() {
      clearInterval(timer);
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}

/** Adds up the instances' samples that fall in the same interval. */
function mergeTotal(all: Sample[][]): Point[] {
  const byTime = new Map<number, Sample>();
  for (const samples of all) {
    for (const s of samples) {
      const acc = byTime.get(s.t);
      if (!acc) {
        byTime.set(s.t, { ...s, send_ack: [...s.send_ack], fanout: [...s.fanout] });
        continue;
      }
      acc.connections += s.connections;
      acc.messages_per_s += s.messages_per_s;
      acc.send_ack = acc.send_ack.map((n, i) => n + (s.send_ack[i] ?? 0));
      acc.fanout = acc.fanout.map((n, i) => n + (s.fanout[i] ?? 0));
      acc.loop_lag_ms = Math.max(acc.loop_lag_ms, s.loop_lag_ms);
      // On pg-boss every instance sees the one cluster-wide queue: do not count it twice.
      acc.jobs_queued = Math.max(acc.jobs_queued, s.jobs_queued);
      acc.jobs_failed += s.jobs_failed;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t).map(toPoint);
}

function toPoint(s: Sample): Point {
  return {
    t: s.t,
    connections: s.connections,
    messages_per_s: round(s.messages_per_s),
    send_ack_p50_ms: quantileMs(s.send_ack, 0.5),
    send_ack_p99_ms: quantileMs(s.send_ack, 0.99),
    fanout_p50_ms: quantileMs(s.fanout, 0.5),
    fanout_p99_ms: quantileMs(s.fanout, 0.99),
    loop_lag_ms: round(s.loop_lag_ms),
    jobs_queued: s.jobs_queued,
    jobs_failed: s.jobs_failed,
  };
}

/**
 * Prometheus' histogram_quantile over one interval's bucket counts: linear interpolation
 * inside the bucket holding the rank; the +Inf bucket answers its lower bound.
 */
export function quantileMs(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (seen + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!;
      const upper = LATENCY_BUCKETS[i];
      if (upper === undefined) return round(lower * 1000);
      return round((lower + (upper - lower) * ((rank - seen) / count)) * 1000);
    }
    seen += count;
  }
  return round(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]! * 1000);
}

async function readCumulative(metrics: Metrics): Promise<Cumulative> {
  const [persisted, sendAck, fanout, failed] = await Promise.all([metrics.messagesPersisted.get(), metrics.sendAck.get(), metrics.fanout.get(), metrics.jobsFailed.get()]);
  return {
    messages: persisted.values.reduce((a, v) => a + v.value, 0),
    sendAck: bucketCounts(sendAck.values),
    fanout: bucketCounts(fanout.values),
    jobsFailed: failed.values.reduce((a, v) => a + v.value, 0),
  };
}

type MetricValue = { value: number; labels: Record<string, string | number | undefined>; metricName?: string };

/** Per-bucket (not cumulative) counts from a histogram's `_bucket` series, +Inf last. */
function bucketCounts(values: readonly MetricValue[]): number[] {
  const cumulative = values.filter((v) => v.metricName?.endsWith("_bucket")).map((v) => v.value);
  return cumulative.map((n, i) => n - (i === 0 ? 0 : cumulative[i - 1]!));
}

const deltas = (now: number[], before: number[]) => now.map((n, i) => Math.max(0, n - (before[i] ?? 0)));

async function gaugeSum(gauge: { get(): Promise<{ values: MetricValue[] }> }): Promise<number> {
  return (await gauge.get()).values.reduce((a, v) => a + v.value, 0);
}

async function gaugeByName(metrics: Metrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values[0]?.value ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
