import { appendFileSync } from "node:fs";
import { z } from "zod";
import type { JobType } from "./types";

/**
 * Test-only (CONFAB_TEST_JOBS=1): sleeps (then throws when asked to), and records its start and its completion as JSON
 * lines in `log`, so a test that kills workers can see which process ran which job and that
 * none completed twice. A write-ahead of each step makes the record survive kill -9.
 */
export const testSleepJob: JobType<{ key: string; ms: number; log: string; fail?: boolean }> = {
  name: "test-sleep",
  data: z.object({ key: z.string().min(1).max(100), ms: z.number().int().min(0).max(60_000), log: z.string().min(1), fail: z.boolean().optional() }),
  async run({ key, ms, log, fail }, { id, attempt }) {
    appendFileSync(log, JSON.stringify({ event: "start", key, id, attempt, pid: process.pid }) + "\n");
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (fail) throw new Error(`test-sleep ${key} fails as asked`);
    appendFileSync(log, JSON.stringify({ event: "done", key, id, attempt, pid: process.pid }) + "\n");
  },
};
