import type { z } from "zod";

export interface JobContext {
  id: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export interface JobType<T> {
  /** Letters, digits, `-` and `_` (pg-boss queue names). */
  name: string;
  data: z.ZodType<T>;
  /**
   * Must be idempotent: a job whose worker died mid-way runs again on another worker, and a
   * handler that threw is retried.
   */
  run(data: T, ctx: JobContext): Promise<void>;
  /** At most one queued and one running at a time, cluster-wide (periodic maintenance). */
  singleton?: boolean;
}

export interface JobSettings {
  /** Runs a job gets before it is dead-lettered. */
  maxAttempts: number;
  /** Delay before the first retry; each further retry doubles it. */
  retryDelayMs: number;
  /** A run that has not finished after this long is presumed lost and retried. */
  timeoutMs: number;
}

/**
 * Background work, the same way the bus is: in-process when embedded, pg-boss on Postgres
 * when DATABASE_URL is set, where instances are competing consumers of one queue.
 */
export interface JobQueue {
  readonly kind: "memory" | "pg-boss";
  /** Declares a job type; every process that sends or consumes it declares it first. */
  define<T>(type: JobType<T>): Promise<void>;
  /** Enqueues a job; null when a singleton type already has one waiting. */
  send(name: string, data: unknown): Promise<string | null>;
  /** Enqueues `name` every `intervalMs` (a singleton type makes that once per interval cluster-wide). */
  every(name: string, intervalMs: number, data?: unknown): void;
  /** Starts running jobs in this process (roles `all` and `worker`). */
  consume(): Promise<void>;
  /** Jobs waiting to run (for the metrics gauge). */
  queued(): Promise<number>;
  /** Whether jobs can be enqueued right now (for /api/health); callers bound the wait. */
  ping(): Promise<boolean>;
  /** Stops enqueuing and consuming; waits for running jobs to finish. */
  close(): Promise<void>;
}
