/**
 * Fault 3: kill -9 of one of two instances sharing Postgres and Redis, under load. Clients of
 * the dead instance fail over to the other; nothing acked is lost or stored twice, and every
 * receiver sees each room's messages once, in seq order.
 */
import { test } from "node:test";
import { startServer } from "../support/server";
import { assertGuarantees, cast, compare, drain, printCounts, Recorder, runLoad, Scenario, SimClient, storedHistory, waitForDeliveries } from "./harness";
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

    const stalled = await drain(clients, 60_000);
    scenario.log("outboxes drained");
    const stored = await storedHistory(() => B.url, users[0]!.token, rooms);
    await waitForDeliveries(recorder, stored, clients, 10_000);
    // Frames still unanswered are recorded (with their wait so far) as the clients stop.
    await Promise.all(clients.map((c) => c.stop()));
    const counts = compare(recorder, stored, clients, clients);
    printCounts("kill -9 of one of two instances under load", counts);

    assertGuarantees("kill -9 of one of two instances", {
      [`instance A died of the kill (${A.process.signalCode})`]: A.process.signalCode === "SIGKILL",
      [`lost = ${counts.lost}: every acked message is stored`]: counts.lost === 0,
      [`storedTwice = ${counts.storedTwice}: retries with the same id store nothing twice`]: counts.storedTwice === 0,
      [`ackMismatch = ${counts.ackMismatch}: every ack names the stored message`]: counts.ackMismatch === 0,
      [`unsettled = ${counts.unsettled}, failed = ${counts.failed}: every send ends acked ${JSON.stringify(stalled.slice(0, 5))}`]: counts.unsettled === 0 && counts.failed === 0,
      [`stored = ${counts.stored} of sent = ${counts.sent}: every queued message is stored exactly once`]: counts.stored === counts.sent,
      [`reconnects = ${counts.reconnects}: the dead instance's clients failed over`]: counts.reconnects >= clients.length / 2,
      [`deliveredTwice = ${counts.deliveredTwice}: nothing is delivered twice to one receiver`]: counts.deliveredTwice === 0,
      [`outOfOrder = ${counts.outOfOrder}: every receiver sees each room in seq order`]: counts.outOfOrder === 0,
      [`missed = ${counts.missed}: every receiver gets every message`]: counts.missed === 0,
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
