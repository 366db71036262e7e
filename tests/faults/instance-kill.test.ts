/**
 * Fault 3: kill -9 of one of two instances sharing Postgres and Redis, under load. Clients of
 * the dead instance fail over to the other; nothing acked is lost or stored twice, and every
 * receiver sees each room's messages once, in seq order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { cast, compare, drain, printCounts, Recorder, runLoad, SimClient, storedHistory, waitForDeliveries } from "./harness";
import { Services } from "./services";

test("kill -9 of one of two instances under load: clients fail over, 0 lost, 0 duplicated, order kept", { timeout: 240_000 }, async () => {
  const services = await Services.start();
  const servers: TestServer[] = [];
  const clients: SimClient[] = [];
  try {
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };
    servers.push(await startServer(env), await startServer(env));
    const [A, B] = servers as [TestServer, TestServer];
    const { users, rooms } = await cast(B.url, { users: 10, rooms: 3 });
    const recorder = new Recorder();
    for (const [i, user] of users.entries()) {
      // Half the clients prefer A, half B; each falls back to the other when its first choice is gone.
      const endpoints = i % 2 === 0 ? () => [A.wsUrl, B.wsUrl] : () => [B.wsUrl, A.wsUrl];
      clients.push(new SimClient({ name: `c${i}`, user, rooms, endpoints, recorder, retryDelayMs: 500 }));
    }
    await Promise.all(clients.map((c) => c.start()));

    await runLoad({
      senders: clients,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: { atMs: 4_000, run: async () => void (await A.stop("SIGKILL")) },
    });

    await drain(clients, 30_000);
    const stored = await storedHistory(() => B.url, users[0]!.token, rooms);
    await waitForDeliveries(recorder, stored, clients, 10_000);
    const counts = compare(recorder, stored, clients, clients);
    printCounts("kill -9 of one of two instances under load", counts);

    assert.equal(A.process.signalCode, "SIGKILL");
    assert.equal(counts.lost, 0, "acked messages missing");
    assert.equal(counts.storedTwice, 0, "client ids stored more than once");
    assert.equal(counts.ackMismatch, 0, "acks that name another message than the stored one");
    assert.equal(counts.unsettled, 0, "sends still unacknowledged after the failover");
    assert.equal(counts.failed, 0, "sends that ended in a non-retryable error");
    assert.equal(counts.stored, counts.sent, "every queued message is stored exactly once");
    assert.ok(counts.reconnects >= clients.length / 2, "the dead instance's clients reconnected to the other");
    assert.equal(counts.deliveredTwice, 0, "messages delivered twice to one receiver");
    assert.equal(counts.outOfOrder, 0, "deliveries below a seq the receiver already had");
    assert.equal(counts.missed, 0, "messages a receiver never got");
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await Promise.all(servers.map((s) => s.stop()));
    await services.stop();
  }
});
