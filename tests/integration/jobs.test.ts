/**
 * Jobs on the embedded (in-process) backend: retries with backoff, dead letter, singletons,
 * one lane per type;
 * and the process roles on the real server: `web` serves without consuming jobs, `worker`
 * consumes them and serves only liveness and health.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { z } from "zod";
import { MemoryJobQueue } from "@/server/jobs/memory";
import { createLogger } from "@/server/log";
import { api, createRoom, registerUser, sleep, TestSocket, waitFor } from "../support/client";
import { startServer } from "../support/server";

const log = createLogger("silent");
const settings = { maxAttempts: 3, retryDelayMs: 20, timeoutMs: 60_000 };

describe("in-process job queue", () => {
  test("a failing job is retried with growing delays and completes once it succeeds", async () => {
    const jobs = new MemoryJobQueue(settings, log);
    const runs: Array<{ attempt: number; at: number }> = [];
    await jobs.define({
      name: "flaky",
      data: z.object({ n: z.number() }),
      async run(_data, { attempt }) {
        runs.push({ attempt, at: Date.now() });
        if (attempt < 3) throw new Error("not yet");
      },
    });
    await jobs.consume();
    assert.ok(await jobs.send("flaky", { n: 1 }));
    await waitFor(() => runs.length === 3, { what: "three attempts" });
    await sleep(100);
    assert.deepEqual(
      runs.map((r) => r.attempt),
      [1, 2, 3],
      "no run after the successful one",
    );
    assert.ok(runs[2]!.at - runs[1]!.at >= 2 * settings.retryDelayMs, "the second retry waited at least twice the base delay");
    assert.equal(jobs.deadLettered.length, 0);
    await jobs.close();
  });

  test("types run side by side; one type runs one job at a time", async () => {
    const jobs = new MemoryJobQueue(settings, log);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowRuns: number[] = [];
    const fastRuns: number[] = [];
    await jobs.define({
      name: "slow",
      data: z.object({ n: z.number() }),
      async run({ n }) {
        slowRuns.push(n);
        await held;
      },
    });
    await jobs.define({ name: "fast", data: z.object({ n: z.number() }), run: async ({ n }) => void fastRuns.push(n) });
    await jobs.consume();
    await jobs.send("slow", { n: 1 });
    await jobs.send("slow", { n: 2 });
    await jobs.send("fast", { n: 1 });
    await jobs.send("fast", { n: 2 });
    await waitFor(() => fastRuns.length === 2, { what: "the other type's jobs, while the slow one runs" });
    assert.deepEqual(slowRuns, [1], "the second slow job waits for the first");
    release();
    await waitFor(() => slowRuns.length === 2, { what: "the second slow job" });
    await jobs.close();
  });

  test("a job that keeps failing is dead-lettered after the last attempt; malformed data at once", async () => {
    const jobs = new MemoryJobQueue(settings, log);
    let runs = 0;
    await jobs.define({
      name: "doomed",
      data: z.object({ n: z.number() }),
      async run() {
        runs++;
        throw new Error("always");
      },
    });
    await jobs.consume();
    await jobs.send("doomed", { n: 1 });
    await jobs.send("doomed", { n: "not a number" });
    await waitFor(() => jobs.deadLettered.length === 2, { what: "both jobs dead-lettered" });
    assert.equal(runs, settings.maxAttempts, "the malformed job never ran; the failing one ran maxAttempts times");
    assert.match(jobs.deadLettered.find((j) => (j.data as { n: unknown }).n === 1)!.error, /always/);
    assert.match(jobs.deadLettered.find((j) => (j.data as { n: unknown }).n !== 1)!.error, /invalid data/);
    await jobs.close();
  });

  test("a singleton has at most one job waiting, and nothing runs until the process consumes", async () => {
    const jobs = new MemoryJobQueue(settings, log);
    let runs = 0;
    await jobs.define({
      name: "sweep",
      data: z.object({}),
      singleton: true,
      async run() {
        runs++;
      },
    });
    assert.ok(await jobs.send("sweep", {}));
    assert.equal(await jobs.send("sweep", {}), null, "a second one is refused while one waits");
    await sleep(50);
    assert.equal(runs, 0, "not consuming: nothing ran");
    await jobs.consume();
    await waitFor(() => runs === 1, { what: "the waiting job to run" });
    assert.ok(await jobs.send("sweep", {}), "once it ran, another may be enqueued");
    await waitFor(() => runs === 2, { what: "the second job to run" });
    await jobs.close();
  });
});

describe("process roles (embedded)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "confab-roles-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test("liveness and health on the default role", async () => {
    const server = await startServer();
    try {
      const live = await api<{ ok: boolean }>(server.url, "GET", "/livez");
      assert.equal(live.status, 200);
      assert.deepEqual(live.body, { ok: true });
      const health = await api<Record<string, unknown>>(server.url, "GET", "/api/health");
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, {
        ok: true,
        status: "ok",
        bus: "memory",
        jobs: "memory",
        role: "all",
        checks: { database: true, bus: true, jobs: true },
      });
      assert.ok(server.logs.some((l) => l.includes('"msg":"jobs: consuming"')));
    } finally {
      await server.stop();
    }
  });

  test("web never runs retention; a worker on the same data does, and serves only liveness and health", async () => {
    const web = await startServer({ CONFAB_ROLE: "web", RETENTION_INTERVAL_MS: "200" }, { keepDataDir: dataDir });
    try {
      const owner = await registerUser(web.url, "owner");
      const room = await createRoom(web.url, owner);
      const socket = await TestSocket.connect(web.wsUrl, owner);
      await socket.join(room);
      assert.equal((await socket.request({ type: "send", id: randomUUID(), room, content: "old news" })).type, "ack");
      await socket.close();
      const oneSecond = 1 / 86_400;
      assert.equal((await api(web.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { retention_days: oneSecond } })).status, 200);
      // Several retention intervals pass with the message expired.
      await sleep(1_500);
      assert.equal((await api<{ role: string }>(web.url, "GET", "/api/health")).body.role, "web");
      assert.ok(!web.logs.some((l) => l.includes("retention: deleted") || l.includes('"msg":"jobs: consuming"')), "web consumed no job");
    } finally {
      assert.equal(await web.stop(), 0);
    }

    const worker = await startServer({ CONFAB_ROLE: "worker", RETENTION_INTERVAL_MS: "200" }, { keepDataDir: dataDir });
    try {
      await waitFor(() => worker.logs.some((l) => l.includes('"msg":"retention: deleted expired messages"') && /"deleted":[1-9]/.test(l)), {
        what: "the worker to delete the message the web instance left",
      });
      assert.equal((await api(worker.url, "GET", "/livez")).status, 200);
      const health = await api<{ ok: boolean; role: string }>(worker.url, "GET", "/api/health");
      assert.equal(health.status, 200);
      assert.equal(health.body.role, "worker");
      assert.equal((await api(worker.url, "GET", "/")).status, 404);
      assert.equal((await api(worker.url, "GET", "/api/rooms")).status, 404);
    } finally {
      assert.equal(await worker.stop(), 0);
    }
  });
});
