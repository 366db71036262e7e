/**
 * Fault 2: SIGTERM of the embedded server under load. The process must exit 0 after its
 * graceful shutdown, nothing it acked may be lost, and the clients, once the server is back on
 * the same DATA_DIR and port, reconnect, re-join with `since` and catch up on everything.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { cast, compare, drain, printCounts, Recorder, runLoad, SimClient, storedHistory, waitForDeliveries } from "./harness";

test("SIGTERM of the embedded server under load: exit 0, nothing acked lost, clients catch up after the restart", { timeout: 180_000 }, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "confab-faults-"));
  let server: TestServer = await startServer({}, { keepDataDir: dataDir });
  const clients: SimClient[] = [];
  try {
    const { users, rooms } = await cast(server.url, { users: 10, rooms: 3 });
    const recorder = new Recorder();
    for (const [i, user] of users.entries()) {
      clients.push(new SimClient({ name: `c${i}`, user, rooms, endpoints: () => [server.wsUrl], recorder, retryDelayMs: 500 }));
    }
    await Promise.all(clients.map((c) => c.start()));

    let exitCode: number | null | undefined;
    let stoppedLog: boolean | undefined;
    await runLoad({
      senders: clients,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: {
        atMs: 4_000,
        run: async () => {
          exitCode = await server.stop("SIGTERM");
          stoppedLog = server.logs.some((l) => l.includes('"msg":"stopped"'));
          server = await startServer({ PORT: String(server.port) }, { keepDataDir: dataDir });
        },
      },
    });

    await drain(clients, 30_000);
    const stored = await storedHistory(() => server.url, users[0]!.token, rooms);
    await waitForDeliveries(recorder, stored, clients, 10_000);
    const counts = compare(recorder, stored, clients, clients);
    printCounts("SIGTERM of the embedded server under load", counts);

    assert.equal(exitCode, 0, "graceful shutdown exits 0");
    assert.equal(stoppedLog, true, "the shutdown ran to its end");
    assert.equal(counts.lost, 0, "acked messages missing after the restart");
    assert.equal(counts.storedTwice, 0, "client ids stored more than once");
    assert.equal(counts.ackMismatch, 0, "acks that name another message than the stored one");
    assert.equal(counts.unsettled, 0, "sends still unacknowledged after the restart");
    assert.equal(counts.failed, 0, "sends that ended in a non-retryable error");
    assert.equal(counts.stored, counts.sent, "every queued message is stored exactly once");
    assert.ok(counts.reconnects >= clients.length, "every client reconnected after the restart");
    assert.equal(counts.missed, 0, "messages a client never received after re-joining with since");
    assert.equal(counts.deliveredTwice, 0, "messages delivered twice to one client");
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
