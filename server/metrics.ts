/**
 * Prometheus metrics: one registry per process, served at `GET /metrics` (loopback, or with
 * `Authorization: Bearer $METRICS_TOKEN`). Names follow Prometheus conventions (base units,
 * `_total` counters); the bench reads them to explain its figures.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Sub-millisecond to multi-second: chat latencies live in the low milliseconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the registry. `queuedJobs` answers the jobs gauge when it is collected (a scrape or
 * the dashboard sampler), so the queue is only asked when someone reads the number.
 */
export function createMetrics(queuedJobs: () => Promise<number> = async () => 0) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const m = {
    registry,
    sockets: new Gauge({ name: "confab_sockets", help: "Open WebSocket connections by state", labelNames: ["state"] as const, registers: [registry] }),
    framesIn: new Counter({ name: "confab_frames_in_total", help: "Client frames received, by type", labelNames: ["type"] as const, registers: [registry] }),
    framesOut: new Counter({ name: "confab_frames_out_total", help: "Frames written to sockets, by type", labelNames: ["type"] as const, registers: [registry] }),
    messagesPersisted: new Counter({ name: "confab_messages_persisted_total", help: "Messages committed to the database", registers: [registry] }),
    sendAck: new Histogram({ name: "confab_send_ack_seconds", help: "From a send frame's arrival to its ack", buckets: LATENCY_BUCKETS, registers: [registry] }),
    fanout: new Histogram({
      name: "confab_fanout_seconds",
      help: "From a message's commit to its delivery to this instance's sockets",
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "confab_group_commit_batch_size",
      help: "Messages per group-commit transaction",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    dbSeconds: new Histogram({ name: "confab_db_query_seconds", help: "Database operations on the hot path, by operation", labelNames: ["op"] as const, buckets: LATENCY_BUCKETS, registers: [registry] }),
    busPublish: new Histogram({ name: "confab_bus_publish_seconds", help: "Time for the bus to accept a publish", buckets: LATENCY_BUCKETS, registers: [registry] }),
    heldBack: new Counter({ name: "confab_messages_held_total", help: "Live messages held back behind a hole in seq order", registers: [registry] }),
    holeFills: new Counter({ name: "confab_hole_fills_total", help: "Database reads that filled holes or resynced after a bus reconnect", registers: [registry] }),
    jobsFailed: new Counter({ name: "confab_jobs_failed_total", help: "Job runs that threw (each is retried or dead-lettered), by job", labelNames: ["job"] as const, registers: [registry] }),
    jobsQueued: new Gauge({
      name: "confab_jobs_queued",
      help: "Jobs waiting to run (cluster-wide on pg-boss, this process's queue embedded)",
      registers: [registry],
      async collect() {
        this.set(await queuedJobs().catch(() => 0));
      },
    }),
    // The assistant (server/ai): time to first token is the latency users feel.
    aiTtft: new Histogram({
      name: "confab_ai_ttft_seconds",
      help: "From an assistant request's commit to the provider's first token",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    aiGeneration: new Histogram({
      name: "confab_ai_generation_seconds",
      help: "From an assistant request's commit to its reply's last token, by finish",
      labelNames: ["finish"] as const,
      buckets: [0.1, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    aiTokens: new Counter({ name: "confab_ai_tokens_total", help: "Tokens the provider reported, by kind (prompt, completion)", labelNames: ["kind"] as const, registers: [registry] }),
    aiErrors: new Counter({ name: "confab_ai_errors_total", help: "Generations that ended in an error, by reason", labelNames: ["reason"] as const, registers: [registry] }),
    aiActive: new Gauge({ name: "confab_ai_active_generations", help: "Assistant generations running on this instance", registers: [registry] }),
    aiDeltaWindow: new Gauge({
      name: "confab_ai_delta_window_seconds",
      help: "The assistant's delta window as last set (grows with the replies running and the event loop's lag; 0: every chunk at once)",
      registers: [registry],
    }),
    errors: new Counter({ name: "confab_errors_total", help: "Errors answered to clients, by code and transport", labelNames: ["code", "transport"] as const, registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

const isLoopback = (address: string | undefined) => address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";

/**
 * Serves the registry. Loopback callers need nothing; anyone else needs the token, and
 * without a token configured the endpoint does not exist for them.
 */
/**
 * `clientAddress` is the caller as rate limits see it: behind a trusted proxy on the same host
 * the socket is always loopback, so the forwarded address decides.
 */
export async function serveMetrics(metrics: Metrics, token: string | undefined, clientAddress: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const authorized = token ? bearer !== undefined && safeEqual(bearer, token) : isLoopback(clientAddress);
  if (!authorized) {
    res.writeHead(token ? 401 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: token ? "UNAUTHENTICATED" : "NOT_FOUND", message: token ? "metrics need the bearer token" : "not found" } }));
    return;
  }
  res.writeHead(200, { "content-type": metrics.registry.contentType });
  res.end(await metrics.registry.metrics());
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
