/**
 * Liveness never touches a dependency; readiness reports each one. With Postgres stopped (as
 * in a crash), a web and a worker process both stay live (/livez 200) while /api/health says
 * 503 naming the database and the job queue; once Postgres is back both are ready again and
 * the worker still runs jobs. Run under scripts/with-services.sh (SERVICES_PG_CONTROL).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import PgBoss from "pg-boss";
import { api, waitFor } from "../support/client";
import { controlPostgres, restorePostgres, servicesEnv, startServer, type TestServer } from "../support/server";

interface Health {
  ok: boolean;
  status: string;
  role: string;
  checks: { database: boolean; bus: boolean; jobs: boolean };
}

let web: TestServer;
let worker: TestServer;
const dir = mkdtempSync(path.join(tmpdir(), "confab-jobs-health-"));

before(async () => {
  const env = { ...servicesEnv(), DB_QUERY_TIMEOUT_MS: "2000", CONFAB_TEST_JOBS: "1" };
  web = await startServer({ ...env, CONFAB_ROLE: "web" });
  worker = await startServer({ ...env, CONFAB_ROLE: "worker" });
});

after(async () => {
  restorePostgres();
  await Promise.all([web?.stop(), worker?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

test("/livez stays 200 and /api/health names what is down while Postgres is away, then recovers", async () => {
  for (const server of [web, worker]) {
    assert.equal((await api<Health>(server.url, "GET", "/api/health")).status, 200);
  }

  controlPostgres("stop");
  for (const [role, server] of [["web", web], ["worker", worker]] as const) {
    const live = await api<{ ok: boolean }>(server.url, "GET", "/livez");
    assert.equal(live.status, 200, `${role} is live`);
    const health = await api<Health>(server.url, "GET", "/api/health");
    assert.equal(health.status, 503, `${role} is not ready`);
    assert.equal(health.body.status, "unavailable");
    assert.equal(health.body.role, role);
    assert.deepEqual(health.body.checks, { database: false, bus: true, jobs: false }, role);
  }

  controlPostgres("start");
  for (const server of [web, worker]) {
    await waitFor(async () => (await api<Health>(server.url, "GET", "/api/health")).status === 200, {
      timeoutMs: 30_000,
      what: "health to recover",
    });
  }

  const log = path.join(dir, "jobs.log");
  const boss = new PgBoss({ connectionString: servicesEnv().DATABASE_URL, supervise: false, schedule: false, max: 1 });
  await boss.start();
  try {
    const key = `after-restart-${randomUUID().slice(0, 8)}`;
    assert.ok(await boss.send("test-sleep", { key, ms: 0, log }));
    await waitFor(() => existsSync(log) && readFileSync(log, "utf8").includes(`"event":"done","key":"${key}"`), {
      timeoutMs: 30_000,
      what: "the worker to run a job sent after the restart",
    });
    const ran = readFileSync(log, "utf8");
    assert.ok(ran.includes(`"pid":${worker.process.pid}`) && !ran.includes(`"pid":${web.process.pid}`), "the worker ran it, not the web process");
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});
