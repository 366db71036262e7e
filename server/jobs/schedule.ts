import type { Logger } from "@/server/log";

/**
 * Enqueues a job every `intervalMs` on this process, for either backend. Every process does
 * it; singleton job types keep the copies from piling up. Returns the timer's stop function.
 */
export function enqueueEvery(send: (name: string, data: unknown) => Promise<unknown>, log: Logger, name: string, intervalMs: number, data: unknown): () => void {
  const timer = setInterval(() => {
    send(name, data).catch((err: unknown) => log.warn({ err, job: name }, "jobs: could not enqueue"));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
