import PgBoss from "pg-boss";
import type { Logger } from "@/server/log";
import { enqueueEvery } from "./schedule";
import type { JobQueue, JobSettings, JobType } from "./types";

/** Where jobs go after their last failed attempt; operators inspect them in pgboss.job. */
export const DEAD_LETTER_QUEUE = "dead-letter";

/**
 * The distributed backend: pg-boss keeps jobs in Postgres (schema `pgboss`), and every
 * consuming instance competes for them with SKIP LOCKED, so each job runs on one worker at a
 * time. A worker that dies mid-job leaves it `active` until JOB_TIMEOUT_MS passes; pg-boss's
 * maintenance then fails it and it is retried with backoff elsewhere.
 */
export class PgBossJobQueue implements JobQueue {
  readonly kind = "pg-boss";
  private readonly types = new Map<string, JobType<unknown>>();
  private readonly schedules = new Set<() => void>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly settings: JobSettings,
    private readonly log: Logger,
  ) {}

  static async open(databaseUrl: string, settings: JobSettings, log: Logger): Promise<PgBossJobQueue> {
    const timeoutSeconds = Math.ceil(settings.timeoutMs / 1000);
    const boss = new PgBoss({
      connectionString: databaseUrl,
      application_name: "confab-jobs",
      max: 3,
      // Cron scheduling is not used (see every()), so its clock monitor need not run.
      schedule: false,
      // Maintenance is what notices a lost job; run it often enough relative to the timeout.
      maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.floor(timeoutSeconds / 2))),
    });
    boss.on("error", (err: unknown) => log.warn({ err }, "jobs: pg-boss error"));
    await boss.start();
    const queue = new PgBossJobQueue(boss, settings, log);
    await queue.ensureQueue(DEAD_LETTER_QUEUE, false, undefined);
    return queue;
  }

  async define<T>(type: JobType<T>): Promise<void> {
    this.types.set(type.name, type as JobType<unknown>);
    await this.ensureQueue(type.name, type.singleton ?? false, DEAD_LETTER_QUEUE);
  }

  async send(name: string, data: unknown): Promise<string | null> {
    if (!this.types.has(name)) throw new Error(`unknown job type ${name}`);
    return this.boss.send(name, data as object);
  }

  every(name: string, intervalMs: number, data: unknown = {}): void {
    this.schedules.add(enqueueEvery((n, d) => this.send(n, d), this.log, name, intervalMs, data));
  }

  async consume(): Promise<void> {
    for (const type of this.types.values()) {
      await this.boss.work<unknown>(type.name, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        if (!job) return;
        const parsed = type.data.safeParse(job.data);
        // Retrying cannot fix malformed data: fail it for good (dead letter), without retries.
        if (!parsed.success) {
          this.log.error({ job: type.name, id: job.id, error: parsed.error.message }, "jobs: invalid job data");
          await this.boss.send(DEAD_LETTER_QUEUE, { name: type.name, data: job.data, error: parsed.error.message });
          return;
        }
        await type.run(parsed.data, { id: job.id, attempt: job.retryCount + 1 });
      });
    }
  }

  async queued(): Promise<number> {
    const sizes = await Promise.all([...this.types.keys()].map((name) => this.boss.getQueueSize(name)));
    return sizes.reduce((a, b) => a + b, 0);
  }

  async ping(): Promise<boolean> {
    return this.boss
      .getDb()
      .executeSql("select 1", [])
      .then(
        () => true,
        () => false,
      );
  }

  async close(): Promise<void> {
    for (const stop of this.schedules) stop();
    this.schedules.clear();
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  private async ensureQueue(name: string, singleton: boolean, deadLetter: string | undefined): Promise<void> {
    const options: PgBoss.Queue = {
      name,
      // `stately`: at most one job per state (one waiting, one running), cluster-wide.
      policy: singleton ? "stately" : "standard",
      retryLimit: this.settings.maxAttempts - 1,
      retryDelay: Math.ceil(this.settings.retryDelayMs / 1000),
      retryBackoff: true,
      expireInSeconds: Math.ceil(this.settings.timeoutMs / 1000),
      ...(deadLetter ? { deadLetter } : {}),
    };
    // Instances starting together on a fresh database create the same queues at once, and
    // pg-boss's DDL can deadlock (40P01) or collide (23505) there: Postgres aborts one side,
    // which simply tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(name, options);
        // createQueue keeps an existing queue's options; apply changed settings too.
        await this.boss.updateQueue(name, options);
        return;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if ((code !== "40P01" && code !== "23505") || attempt >= 5) throw err;
        this.log.info({ queue: name, code, attempt }, "jobs: queue creation raced another instance; retrying");
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
      }
    }
  }
}
