/**
 * The process-wide runtime: config, database, bus and every piece of per-process state
 * (caches, queues, limiters). Next bundles route handlers apart from the custom server, so a
 * module-level variable would exist once per bundle; the runtime is the one explicit interface
 * between them, handed over on globalThis under one key. Per-process state belongs on it, not
 * in module scope. Only server/index.ts creates it.
 */
import type { Database } from "@/db/client";
import type { ArchiveSwitch } from "./archive/switch";
import type { Bus } from "./bus";
import type { AppendQueue } from "./chat/append-queue";
import type { Config } from "./config";
import type { JobQueue } from "./jobs/types";
import type { Limits } from "./limits";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import type { MetricsHistory } from "./metrics-history";
import type { PresenceStore } from "./presence";
import type { SocketCap } from "./realtime/socket-cap";
import type { UserValidity } from "./auth/user-validity";
import type { FileStore } from "./files/store";
import type { StandingCache } from "./chat/standing";
import type { AiService } from "./ai/service";
import type { ActivityLog } from "./chat/activity";

export interface Runtime {
  config: Config;
  db: Database;
  bus: Bus;
  log: Logger;
  /** Ephemeral who-is-connected state: memory embedded, Redis distributed. */
  presence: PresenceStore;
  /** MAX_SOCKETS_PER_USER, counted across instances. */
  sockets: SocketCap;
  limits: Limits;
  /** Group commit of messages, one queue per process so a room's batches never overlap here. */
  appends: AppendQueue;
  metrics: Metrics;
  /** Background jobs: in-process embedded, pg-boss on Postgres. */
  jobs: JobQueue;
  /** The last hour of this instance's (and, through Redis, every instance's) metrics. */
  metricsHistory: MetricsHistory;
  /** Whether tokens' users may still act (cached, revoked across instances through the bus). */
  users: UserValidity;
  /** Room standing for rooms this instance follows; set by the gateway while it serves sockets. */
  standing?: StandingCache;
  /** The compliance archive switch (site_settings, ARCHIVE_ENABLED as the default). */
  archiveSwitch: ArchiveSwitch;
  /** Uploaded files' bytes: DATA_DIR/files, or S3-compatible storage. */
  files: FileStore;
  /** Activity rows (connects), written in batches. */
  activity: ActivityLog;
  /** The AI assistant; undefined while AI_BASE_URL is unset (docs/ai.md). */
  ai?: AiService;
}

const KEY = Symbol.for("confab.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime): void {
  (globalThis as Holder)[KEY] = runtime;
}

/** The runtime, or undefined outside a started server (unit tests of pure services). */
export function findRuntime(): Runtime | undefined {
  return (globalThis as Holder)[KEY];
}

export function getRuntime(): Runtime {
  const runtime = findRuntime();
  if (!runtime) throw new Error("Confab runtime is not initialised: start the app with `npm start` (server/index.ts)");
  return runtime;
}
