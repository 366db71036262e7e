/**
 * Confab's process: Next.js (UI + REST) and the WebSocket gateway on one HTTP server, plus the
 * job consumer. CONFAB_ROLE=web serves without consuming jobs; CONFAB_ROLE=worker consumes jobs
 * and serves only /livez and /api/health.
 * Start-up order matters: config → database (migrated) → bus → runtime → jobs → Next → listen.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { openDatabase } from "@/db/client";
import { insertActivities } from "@/db/queries/activity";
import { promoteSiteAdmins } from "@/db/queries/users";
import { createBus } from "./bus";
import { ActivityLog } from "./chat/activity";
import { AppendQueue, sharedTransactionWriter } from "./chat/append-queue";
import { ConfigError, loadConfig } from "./config";
import { createLimits } from "./limits";
import { createLogger, type Logger } from "./log";
import { createPresenceStore } from "./presence";
import { createSocketCap } from "./realtime/socket-cap";
import { checkHealth } from "./health";
import { createJobQueue, startJobs } from "./jobs";
import { attachGateway } from "./realtime/gateway";
import { attachRoomEvents } from "./sse";
import { CLIENT_IP_HEADER } from "./http/client-ip";
import { createMetrics, serveMetrics } from "./metrics";
import { createMetricsHistory } from "./metrics-history";
import { applySecurityHeaders, hasDecodablePath, normalizeForwarding, sendJsonError } from "./http/security-headers";
import { setRuntime, type Runtime } from "./runtime";
import { ArchiveSwitch } from "./archive/switch";
import { UserValidity } from "./auth/user-validity";
import { createFileStore } from "./files/store";
import { routeFiles } from "./files/http";
import { AiService } from "./ai/service";

// server/index.ts under tsx, dist/server.mjs compiled: the project root is one level up either way.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Liveness: answers while the event loop turns, whatever the dependencies say (that is /api/health). */
const LIVENESS_PATH = "/livez";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`confab: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  // next-auth derives its URL from the Host header when NEXTAUTH_URL is unset, so the app
  // works on whatever address it is reached at. That is safe only because the request
  // handler below drops client-sent X-Forwarded-Host unless TRUST_PROXY.
  if (!config.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
    idleTimeoutS: config.DB_IDLE_TIMEOUT_S,
    prepare: config.DATABASE_PREPARE,
  });
  const bus = await createBus(config.REDIS_URL, log, config.TYPING_TTL_MS);
  const presence = await createPresenceStore(config.REDIS_URL, log);
  const sockets = await createSocketCap(config.REDIS_URL, config.MAX_SOCKETS_PER_USER, config.PRESENCE_TTL_MS, randomUUID(), log);
  const limits = await createLimits(config, log);
  const jobs = await createJobQueue(config, log);
  const metrics = createMetrics(() => jobs.queued());
  // Embedded has one backend; on Postgres, up to half the pool writes messages at once.
  const writeRounds = database.driver === "pglite" ? 1 : Math.max(1, Math.floor(config.DATABASE_POOL_MAX / 2));
  const appends = new AppendQueue(sharedTransactionWriter(database.db, writeRounds), {
    batchCommitted(results, durationMs) {
      metrics.batchSize.observe(results.length);
      metrics.messagesPersisted.inc(results.filter((r) => r.ok && r.created).length);
      metrics.dbSeconds.observe({ op: "append_batch" }, durationMs / 1000);
    },
  });
  const metricsHistory = await createMetricsHistory(metrics, config, log);
  const users = new UserValidity(database.db, config.USER_CACHE_TTL_MS);
  const archiveSwitch = new ArchiveSwitch(database.db, config.ARCHIVE_ENABLED, config.ARCHIVE_SWITCH_CACHE_MS);
  const files = await createFileStore(config);
  const activity = new ActivityLog((rows) => insertActivities(database.db, rows), log);
  const runtime: Runtime = { config, db: database.db, bus, log, presence, sockets, limits, appends, metrics, jobs, metricsHistory, users, archiveSwitch, files, activity };
  setRuntime(runtime);
  await users.watch(bus);
  await archiveSwitch.watch(bus);
  await promoteSiteAdmins(database.db, { usernames: config.SITE_ADMINS });
  runtime.ai = await AiService.start(runtime);
  await startJobs(jobs, runtime);
  log.info({ storage: database.driver, bus: bus.kind, jobs: jobs.kind, role: config.CONFAB_ROLE }, "storage and bus ready");

  const closeDependencies = async () => {
    await runtime.ai?.close();
    await jobs.close();
    await metricsHistory.close();
    await bus.close();
    await presence.close();
    await sockets.close();
    await limits.close();
    await files.close();
    await activity.flush();
    await database.close();
  };

  if (config.CONFAB_ROLE === "worker") {
    const server = createServer((req, res) => {
      const url = req.url?.split("?")[0];
      if (req.method === "GET" && url === LIVENESS_PATH) return sendJson(res, 200, { ok: true });
      if (req.method === "GET" && url === "/api/health") {
        return void checkHealth(runtime).then((health) => sendJson(res, health.ok ? 200 : 503, health));
      }
      sendJson(res, 404, { error: { code: "NOT_FOUND", message: "a worker serves only /livez and /api/health" } });
    });
    await listen(server, config.PORT, config.HOST, log);
    onShutdown(log, async () => {
      server.close();
      server.closeAllConnections();
      await closeDependencies();
    });
    return;
  }

  const dev = config.NODE_ENV === "development";
  const app = next({ dev, dir: projectRoot, hostname: config.HOST, port: config.PORT });
  await app.prepare();
  const handleRequest = app.getRequestHandler();

  const server = createServer((req, res) => {
    normalizeForwarding(req, config.TRUST_PROXY);
    // Route handlers see no socket; hand them the client address, never a client-supplied one.
    const forwarded = config.TRUST_PROXY ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "";
    const clientAddress = forwarded || req.socket.remoteAddress;
    req.headers[CLIENT_IP_HEADER] = clientAddress || "unknown";
    applySecurityHeaders(req, res);
    if (!hasDecodablePath(req.url)) return sendJsonError(res, 400, "INVALID", "the path has malformed percent-encoding");
    if (req.url === "/metrics" && req.method === "GET") return void serveMetrics(metrics, config.METRICS_TOKEN, clientAddress, req, res);
    if (req.url?.split("?")[0] === LIVENESS_PATH && req.method === "GET") return sendJson(res, 200, { ok: true });
    if (routeFiles(req, res, runtime)) return;
    // Room event streams (server/sse) are served here, beside /ws, not by Next.
    if (roomEvents.handle(req, res)) return;
    void handleRequest(req, res);
  });
  // Registered before the gateway's listener, so the Origin check sees the normalized scheme.
  server.on("upgrade", (req: IncomingMessage) => normalizeForwarding(req, config.TRUST_PROXY));
  const gateway = attachGateway(server, runtime);
  // Used by the request handler above; requests only arrive after listen(), below.
  const roomEvents = attachRoomEvents(runtime, gateway.registry);

  await listen(server, config.PORT, config.HOST, log);
  onShutdown(log, async () => {
    server.close();
    await roomEvents.close();
    await gateway.close();
    server.closeIdleConnections();
    await closeDependencies();
  });
}

async function listen(server: ReturnType<typeof createServer>, port: number, host: string, log: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  log.info({ port: bound, url: `http://localhost:${bound}` }, "listening");
}

function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error("confab: failed to start:", err);
  process.exit(1);
});
