/**
 * Fault 4: Redis killed (kill -9) and restarted on the same port under load, two instances.
 * Redis pub/sub drops whatever is published while a subscriber is away, so the server must
 * backfill from the database: live subscribers keep their sockets (no reconnect, no re-join)
 * and still get every committed message once, in seq order.
 */
import { test } from "node:test";
import { sleep } from "../support/client";
import { startServer } from "../support/server";
import { assertGuarantees, cast, compare, describeMisses, printCounts, Recorder, runLoad, Scenario, settle, SimClient, storageGuarantees } from "./harness";
import { Services } from "./services";

const REDIS_DOWN_MS = 2_000;

test("Redis killed and restarted under load: live subscribers miss nothing, get nothing twice, in order", { timeout: 240_000 }, async (t) => {
  const scenario = new Scenario("Redis killed and restarted", t.signal);
  try {
    const services = await Services.start();
    scenario.onTeardown(() => services.stop());
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };
    const A = await scenario.server(() => startServer(env));
    const B = await scenario.server(() => startServer(env));
    scenario.log("services and two instances started");
    const { users, rooms } = await cast(A.url, { users: 14, rooms: 3 });
    scenario.log("users and rooms created");
    const recorder = new Recorder();
    const senders: SimClient[] = [];
    const listeners: SimClient[] = [];
    for (const [i, user] of users.entries()) {
      const endpoints = i % 2 === 0 ? () => [A.wsUrl, B.wsUrl] : () => [B.wsUrl, A.wsUrl];
      // The last four only listen, two per instance, and never reconnect: whatever they miss
      // while their socket stays open is the server's to backfill.
      const listener = i >= 10;
      const client = new SimClient({ name: listener ? `listener${i - 10}` : `c${i}`, user, rooms, endpoints, recorder, retryDelayMs: 500, reconnect: !listener });
      (listener ? listeners : senders).push(client);
    }
    const clients = [...senders, ...listeners];
    await scenario.connect(clients);
    scenario.log("clients joined; load starts");

    await runLoad({
      senders,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: {
        atMs: 3_000,
        run: async () => {
          await services.killRedis();
          scenario.log("redis killed");
          await sleep(REDIS_DOWN_MS);
          await services.startRedis();
          scenario.log("redis restarted");
        },
      },
    });
    scenario.log("load over");

    let listenerCloses: number[][] = [];
    const { stalled, stored, counts: all } = await settle(scenario, {
      recorder,
      clients,
      senders,
      baseUrl: () => A.url,
      token: users[0]!.token,
      rooms,
      drainMs: 60_000,
      deliveriesMs: 15_000,
      beforeStop: () => (listenerCloses = listeners.map((l) => [...(recorder.closes.get(l.name) ?? [])])),
    });
    const live = compare(recorder, stored, listeners, senders);
    printCounts("Redis killed and restarted under load (all clients)", all);
    printCounts("Redis killed and restarted under load (deliveries to live listeners only)", live);

    assertGuarantees("Redis killed and restarted", {
      [`listener socket closes ${JSON.stringify(listenerCloses)}: live sockets stay open through the outage`]: listenerCloses.every((c) => c.length === 0),
      [`live listeners: missed = ${live.missed}: the server backfills what pub/sub dropped ${JSON.stringify(describeMisses(recorder, stored, listeners))}`]:
        live.missed === 0,
      [`live listeners: deliveredTwice = ${live.deliveredTwice}: nothing twice`]: live.deliveredTwice === 0,
      [`live listeners: outOfOrder = ${live.outOfOrder}: seq order kept`]: live.outOfOrder === 0,
      [`all clients: missed = ${all.missed}, deliveredTwice = ${all.deliveredTwice}, outOfOrder = ${all.outOfOrder}`]:
        all.missed === 0 && all.deliveredTwice === 0 && all.outOfOrder === 0,
      ...storageGuarantees(all, stalled, "every send ends acked once Redis is back"),
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
