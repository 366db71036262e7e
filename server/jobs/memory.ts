import { randomUUID } from "node:crypto";
import type { Logger } from "@/server/log";
import { enqueueEvery } from "./schedule";
import type { JobQueue, JobSettings, JobType } from "./types";

interface Pending {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  notBefore: number;
}

/** Dead-lettered jobs kept for inspection; older ones are only in the log. */
const DEAD_LETTER_KEEP = 100;

/**
 * The embedded backend: one process, so a queue in memory. Jobs of one type run one at a time,
 * and types run side by side (as pg-boss runs one worker per type), so a burst of one kind (link
 * previews, each up to seconds of network wait) never holds up another (an export). Queued
 * jobs are lost on restart, which suits the periodic, idempotent work it carries.
 */
export class MemoryJobQueue implements JobQueue {
  readonly kind = "memory";
  readonly deadLettered: Array<{ id: string; name: string; data: unknown; error: string }> = [];
  private readonly types = new Map<string, JobType<unknown>>();
  private readonly pending: Pending[] = [];
  private readonly schedules = new Set<() => void>();
  /** Wakes the queue when the earliest retry is due. */
  private wake: NodeJS.Timeout | undefined;
  /** The running job of each type. */
  private readonly running = new Map<string, Promise<void>>();
  private consuming = false;
  private closed = false;

  constructor(
    private readonly settings: JobSettings,
    private readonly log: Logger,
  ) {}

  async define<T>(type: JobType<T>): Promise<void> {
    this.types.set(type.name, type as JobType<unknown>);
  }

  async send(name: string, data: unknown): Promise<string | null> {
    const type = this.types.get(name);
    if (!type) throw new Error(`unknown job type ${name}`);
    if (this.closed) return null;
    if (type.singleton && this.pending.some((j) => j.name === name)) return null;
    const job = { id: randomUUID(), name, data, attempt: 1, notBefore: 0 };
    this.pending.push(job);
    this.kick();
    return job.id;
  }

  every(name: string, intervalMs: number, data: unknown = {}): void {
    this.schedules.add(enqueueEvery((n, d) => this.send(n, d), this.log, name, intervalMs, data));
  }

  async consume(): Promise<void> {
    this.consuming = true;
    this.kick();
  }

  async queued(): Promise<number> {
    return this.pending.length;
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.consuming = false;
    for (const stop of this.schedules) stop();
    this.schedules.clear();
    clearTimeout(this.wake);
    await Promise.all(this.running.values());
  }

  private kick(): void {
    if (!this.consuming) return;
    const now = Date.now();
    for (;;) {
      // The oldest due job of a type that is not running now.
      const index = this.pending.findIndex((j) => j.notBefore <= now && !this.running.has(j.name));
      if (index < 0) break;
      const [job] = this.pending.splice(index, 1);
      const done = this.run(job!).finally(() => {
        this.running.delete(job!.name);
        this.kick();
      });
      this.running.set(job!.name, done);
    }
    const waiting = this.pending.filter((j) => j.notBefore > now && !this.running.has(j.name)).map((j) => j.notBefore);
    if (waiting.length > 0) this.later(Math.min(...waiting) - now);
  }

  private later(ms: number): void {
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.kick(), ms);
    this.wake.unref();
  }

  private async run(job: Pending): Promise<void> {
    const type = this.types.get(job.name)!;
    const parsed = type.data.safeParse(job.data);
    if (!parsed.success) return this.deadLetter(job, `invalid data: ${parsed.error.message}`);
    try {
      await type.run(parsed.data, { id: job.id, attempt: job.attempt });
    } catch (err) {
      if (job.attempt >= this.settings.maxAttempts) return this.deadLetter(job, String(err));
      const delay = this.settings.retryDelayMs * 2 ** (job.attempt - 1);
      this.log.warn({ err, job: job.name, id: job.id, attempt: job.attempt, retryInMs: delay }, "jobs: job failed; will retry");
      // A singleton's retry takes the place of any run enqueued meanwhile.
      if (type.singleton) this.pending.splice(0, this.pending.length, ...this.pending.filter((j) => j.name !== job.name));
      this.pending.push({ ...job, attempt: job.attempt + 1, notBefore: Date.now() + delay });
    }
  }

  private deadLetter(job: Pending, error: string): void {
    this.log.error({ job: job.name, id: job.id, attempt: job.attempt, error }, "jobs: job dead-lettered");
    this.deadLettered.push({ id: job.id, name: job.name, data: job.data, error });
    if (this.deadLettered.length > DEAD_LETTER_KEEP) this.deadLettered.shift();
  }
}
