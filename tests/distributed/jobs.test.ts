/**
 * Jobs on pg-boss over a real Postgres (run under scripts/with-services.sh): two worker
 * processes compete for one queue; a worker killed with SIGKILL mid-job leaves the job to be
 * retried by the other; no job completes twice; a job that keeps failing is dead-lettered.
 * The test enqueues through pg-boss itself, the way another instance would.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import PgBoss from "pg-boss";
import { api, waitFor } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

interface Entry {
  event: "start" | "done";
  key: string;
  id: string;
  attempt: number;
  pid: number;
}

const dir = mkdtempSync(path.join(tmpdir(), "confab-jobs-"));
const logFile = path.join(dir, "jobs.log");
const workerEnv = {
  ...servicesEnv(),
  CONFAB_ROLE: "worker",
  CONFAB_TEST_JOBS: "1",
  JOB_TIMEOUT_MS: "3000",
  JOB_RETRY_DELAY_MS: "1000",
  JOB_MAX_ATTEMPTS: "3",
};
const servers: TestServer[] = [];
let boss: PgBoss;

const entries = (): Entry[] =>
  existsSync(logFile)
    ? readFileSync(logFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Entry)
    : [];

before(async () => {
  servers.push(await startServer(workerEnv), await startServer(workerEnv));
  boss = new PgBoss({ connectionString: servicesEnv().DATABASE_URL, supervise: false, schedule: false, max: 2 });
  await boss.start();
});
after(async () => {
  await boss.stop({ graceful: false, wait: true });
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe("pg-boss jobs across worker processes", () => {
  test("workers report the queue in health", async () => {
    const health = await api<{ ok: boolean; jobs: string; role: string; checks: Record<string, boolean> }>(servers[0]!.url, "GET", "/api/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.jobs, "pg-boss");
    assert.equal(health.body.role, "worker");
    assert.deepEqual(health.body.checks, { database: true, bus: true, jobs: true });
  });

  test("two workers compete; kill -9 one mid-job and the other retries it; nothing completes twice", async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const keys = Array.from({ length: 8 }, (_, i) => `job-${i}-${randomUUID().slice(0, 8)}`);
    const ids = new Map<string, string>();
    for (const key of keys) {
      const id = await boss.send("test-sleep", { key, ms: 1_000, log: logFile });
      assert.ok(id);
      ids.set(key, id);
    }

    await waitFor(() => entries().some((e) => e.event === "start" && e.pid === a.process.pid), {
      timeoutMs: 20_000,
      what: "worker A to start a job",
    });
    const victim = entries().find((e) => e.event === "start" && e.pid === a.process.pid)!;
    a.process.kill("SIGKILL");
    await a.stop();

    await waitFor(() => keys.every((key) => entries().some((e) => e.event === "done" && e.key === key)), {
      timeoutMs: 60_000,
      what: "every job to complete",
    });
    const all = entries();
    for (const key of keys) {
      assert.equal(all.filter((e) => e.event === "done" && e.key === key).length, 1, `${key} completed exactly once`);
      const job = await boss.getJobById("test-sleep", ids.get(key)!);
      assert.equal(job?.state, "completed", key);
    }
    assert.ok(
      all.some((e) => e.event === "start" && e.pid === b.process.pid),
      "worker B took jobs from the same queue",
    );
    const victimRuns = all.filter((e) => e.key === victim.key);
    assert.ok(!victimRuns.some((e) => e.event === "done" && e.pid === a.process.pid), "the killed worker never finished it");
    const retried = victimRuns.find((e) => e.event === "start" && e.pid === b.process.pid);
    assert.ok(retried, "the other worker ran the killed worker's job");
    assert.ok(retried.attempt > victim.attempt, "as a retry");
  });

  test("a job that keeps failing is dead-lettered after JOB_MAX_ATTEMPTS", async () => {
    const key = `doomed-${randomUUID().slice(0, 8)}`;
    const id = await boss.send("test-sleep", { key, ms: 0, log: logFile, fail: true });
    assert.ok(id);
    await waitFor(async () => (await boss.getJobById("test-sleep", id))?.state === "failed", {
      timeoutMs: 30_000,
      what: "the job to fail for good",
    });
    assert.equal(
      entries().filter((e) => e.event === "start" && e.key === key).length,
      Number(workerEnv.JOB_MAX_ATTEMPTS),
      "it ran exactly JOB_MAX_ATTEMPTS times",
    );
    const dead = await boss.fetch<{ key: string }>("dead-letter", { batchSize: 100 });
    assert.ok(dead?.some((job) => job.data.key === key), "its data is in the dead-letter queue");
  });
});
