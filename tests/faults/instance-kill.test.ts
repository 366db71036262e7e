/**
 * Fault 3: kill -9 of one of two instances sharing Postgres and Redis, under load. Clients of
 * the dead instance fail over to the other; nothing acked is lost or stored twice, and every
 * receiver sees each room's messages once, in seq order.
 */
import { test } from "node:test";
import { startServer } from "../support/server";
import { assertGuarantees, cast, deliveryGuarantees, printCounts, Recorder, runLoad, Scenario, settle, SimClient, storageGuarantees } from "./harness";
import { Services } from "./services";

test("kill -9 of one of two instances under load: clients fail over, 0 lost, 0 duplicated, order kept", { timeout: 240_000 }, async (t) => {
  const scenario = new Scenario("kill -9 of one of two instances", t.signal);
  try {
    const services = await Services.start();
    scenario.onTeardown(() => services.stop());
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };
    const A = await scenario.server(() => startServer(env));
    const B = await scenario.server(() => startServer(env));
    scenario.log("services and two instances started");
    const { users, rooms } = await cast(B.url, { users: 10, rooms: 3 });
    scenario.log("users and rooms created");
    const recorder = new Recorder();
    // Half the clients prefer A, half B; each falls back to the other when its first choice is gone.
    const clients = users.map(
      (user, i) => new SimClient({ name: `c${i}`, user, rooms, endpoints: i % 2 === 0 ? () => [A.wsUrl, B.wsUrl] : () => [B.wsUrl, A.wsUrl], recorder, retryDelayMs: 500 }),
    );
    await scenario.connect(clients);
    scenario.log("clients joined; load starts");

    await runLoad({
      senders: clients,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: {
        atMs: 4_000,
        run: async () => {
          await A.stop("SIGKILL");
          scenario.log("instance A killed");
        },
      },
    });
    scenario.log("load over");

    const { stalled, counts } = await settle(scenario, { recorder, clients, baseUrl: () => B.url, token: users[0]!.token, rooms, drainMs: 60_000, deliveriesMs: 10_000 });
    printCounts("kill -9 of one of two instances under load", counts);

    assertGuarantees("kill -9 of one of two instances", {
      [`instance A died of the kill (${A.process.signalCode})`]: A.process.signalCode === "SIGKILL",
      ...storageGuarantees(counts, stalled),
      [`reconnects = ${counts.reconnects}: the dead instance's clients failed over`]: counts.reconnects >= clients.length / 2,
      ...deliveryGuarantees(counts),
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
