import type { Config } from "@/server/config";
import type { Logger } from "@/server/log";
import type { Runtime } from "@/server/runtime";
import { MemoryJobQueue } from "./memory";
import { archiveJob } from "./archive";
import { exportsExpireJob, roomExportJob } from "./exports";
import { linkPreviewJob, linkPreviewsExpireJob } from "./link-preview";
import { retentionJob } from "./retention";
import { uploadsSweepJob } from "./uploads";
import { testSleepJob } from "./test-sleep";
import type { Metrics } from "@/server/metrics";
import type { JobQueue, JobSettings, JobType } from "./types";

export type { JobQueue } from "./types";

export function jobSettings(config: Config): JobSettings {
  return { maxAttempts: config.JOB_MAX_ATTEMPTS, retryDelayMs: config.JOB_RETRY_DELAY_MS, timeoutMs: config.JOB_TIMEOUT_MS };
}

/** In-process when embedded; pg-boss on the shared Postgres when DATABASE_URL is set. */
export async function createJobQueue(config: Config, log: Logger): Promise<JobQueue> {
  if (!config.DATABASE_URL) return new MemoryJobQueue(jobSettings(config), log);
  const { PgBossJobQueue } = await import("./pg-boss");
  return PgBossJobQueue.open(config.DATABASE_URL, jobSettings(config), log);
}

/** Counts runs that threw (confab_jobs_failed_total), whichever backend runs them. */
const countFailures =
  (metrics: Metrics) =>
  <T>(type: JobType<T>): JobType<T> => ({
    ...type,
    async run(data, ctx) {
      try {
        await type.run(data, ctx);
      } catch (err) {
        metrics.jobsFailed.inc({ job: type.name });
        throw err;
      }
    },
  });

/**
 * Declares Confab's job types and its periodic jobs; consumes them unless this process is
 * `CONFAB_ROLE=web`. Every role enqueues the periodic ones (a singleton is enqueued once per
 * interval however many instances tick), so any mix of web and worker processes runs them.
 */
export async function startJobs(jobs: JobQueue, runtime: Pick<Runtime, "config" | "db" | "log" | "metrics" | "archiveSwitch" | "bus" | "files">): Promise<void> {
  const counted = countFailures(runtime.metrics);
  await jobs.define(counted(retentionJob(runtime)));
  await jobs.define(counted(roomExportJob(runtime)));
  await jobs.define(counted(exportsExpireJob(runtime)));
  await jobs.define(counted(archiveJob(runtime)));
  await jobs.define(counted(linkPreviewJob({ ...runtime, jobs })));
  await jobs.define(counted(linkPreviewsExpireJob(runtime)));
  await jobs.define(counted(uploadsSweepJob(runtime)));
  if (runtime.config.CONFAB_TEST_JOBS) await jobs.define(counted(testSleepJob));
  jobs.every("retention", runtime.config.RETENTION_INTERVAL_MS);
  jobs.every("exports-expire", runtime.config.EXPORT_CLEANUP_INTERVAL_MS);
  jobs.every("uploads-sweep", runtime.config.UPLOAD_SWEEP_INTERVAL_MS);
  // Always scheduled: a site admin may turn the archive on at any time, and after turning it
  // off the job still writes what was sent while it was on.
  jobs.every("archive", runtime.config.ARCHIVE_INTERVAL_MS);
  jobs.every("link-previews-expire", Math.max(60_000, Math.min(runtime.config.LINK_PREVIEW_CACHE_TTL_MS, 3_600_000)));
  runtime.log.info({ linkPreviews: runtime.config.LINK_PREVIEWS ? "on" : "off" }, "link previews");
  if (runtime.config.CONFAB_ROLE === "web") {
    // In-process jobs live only in this process, so nobody else can run them.
    if (jobs.kind === "memory") runtime.log.warn("CONFAB_ROLE=web on the embedded database: no process runs background jobs (retention)");
    return;
  }
  await jobs.consume();
  runtime.log.info({ jobs: jobs.kind }, "jobs: consuming");
}
