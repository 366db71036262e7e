/**
 * The process-wide runtime (config, database, bus, gateway registry), shared through
 * globalThis because Next bundles route handlers separately from the custom server: both
 * bundles must see one instance, never two. Only server/index.ts creates it.
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
  /** The compliance archive switch (site_settings, ARCHIVE_ENABLED as the default). */
  archiveSwitch: ArchiveSwitch;
}

const KEY = Symbol.for("confab.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime): void {
  (globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[KEY];
  if (!runtime) throw new Error("Confab runtime is not initialised: start the app with `npm start` (server/index.ts)");
  return runtime;
}
