/**
 * Fault 5: Postgres stopped immediately (`pg_ctl stop -m immediate`: no checkpoint, every
 * backend gone at once) and restarted under load, two instances. While it is down and while it
 * starts up, clients may only see retryable errors (UNAVAILABLE, retryable: true) or no answer
 * on a socket that closed; every retry (same client id) ends stored exactly once; and no frame
 * waits longer than the server's frame timeout for its answer.
 */
import { test } from "node:test";
import { sleep } from "../support/client";
import { startServer } from "../support/server";
import { assertGuarantees, cast, printCounts, Recorder, runLoad, Scenario, settle, SimClient, storageGuarantees } from "./harness";
import { Services } from "./services";

const FRAME_TIMEOUT_MS = 2_000;
/**
 * Room between the server giving up on a frame and its answer arriving: at least this, or twice
 * the longest wait before the fault, when the (shared, two-core) machine itself is that slow.
 * A frame held behind a hung query waits for tens of seconds, far beyond either.
 */
const ANSWER_SLACK_MS = 3_000;
const POSTGRES_DOWN_MS = 3_000;

test("Postgres stopped immediately and restarted under load: only retryable errors, retries stored once, no frame outwaits the timeout", { timeout: 240_000 }, async (t) => {
  const scenario = new Scenario("Postgres stopped immediately and restarted", t.signal);
  try {
    const services = await Services.start();
    scenario.onTeardown(() => services.stop());
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, FRAME_TIMEOUT_MS: String(FRAME_TIMEOUT_MS) };
    const A = await scenario.server(() => startServer(env));
    const B = await scenario.server(() => startServer(env));
    scenario.log("services and two instances started");
    const { users, rooms } = await cast(A.url, { users: 10, rooms: 3 });
    scenario.log("users and rooms created");
    const recorder = new Recorder();
    const clients = users.map(
      (user, i) => new SimClient({ name: `c${i}`, user, rooms, endpoints: i % 2 === 0 ? () => [A.wsUrl, B.wsUrl] : () => [B.wsUrl, A.wsUrl], recorder, retryDelayMs: 500 }),
    );
    await scenario.connect(clients);
    scenario.log("clients joined; load starts");

    let baselineMs = 0;
    await runLoad({
      senders: clients,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: {
        atMs: 3_000,
        run: async () => {
          baselineMs = recorder.waits.reduce((max, w) => Math.max(max, w.ms), 0);
          await services.stopPostgresImmediately();
          scenario.log("postgres stopped (immediate)");
          await sleep(POSTGRES_DOWN_MS);
          await services.startPostgres();
          scenario.log("postgres restarted");
        },
      },
    });
    scenario.log("load over");

    const { stalled, counts } = await settle(scenario, { recorder, clients, baseUrl: () => A.url, token: users[0]!.token, rooms, drainMs: 40_000, deliveriesMs: 10_000 });
    printCounts("Postgres stopped immediately and restarted under load", counts);

    const bound = FRAME_TIMEOUT_MS + Math.max(ANSWER_SLACK_MS, 2 * baselineMs);
    scenario.log(`longest wait before the fault ${baselineMs} ms; a frame may wait at most ${bound} ms`);
    const overdue = recorder.waits.filter((w) => w.ms > bound);
    const overdueKinds = overdue.map((w) => `${w.kind}:${w.outcome}:${w.ms}ms`).slice(0, 8);
    const unexpected = recorder.errors.filter((e) => e.code !== "UNAVAILABLE" || !e.retryable);
    assertGuarantees("Postgres stopped immediately and restarted", {
      [`errors other than UNAVAILABLE/retryable: ${JSON.stringify(unexpected.slice(0, 5).map((e) => `${e.kind}:${e.code} ${e.message}`))}`]:
        unexpected.length === 0,
      [`${overdue.length} frames (${JSON.stringify(overdueKinds)}; longest ${counts.maxWaitMs} ms) waited longer than FRAME_TIMEOUT_MS = ${FRAME_TIMEOUT_MS} + slack = ${bound} ms`]:
        overdue.length === 0,
      ...storageGuarantees(counts, stalled, "every retry ends acked"),
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
