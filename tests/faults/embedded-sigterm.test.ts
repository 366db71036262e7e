/**
 * Fault 2: SIGTERM of the embedded server under load. The process must exit 0 after its
 * graceful shutdown, nothing it acked may be lost, and the clients, once the server is back on
 * the same DATA_DIR and port, reconnect, re-join with `since` and catch up on everything.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { assertGuarantees, cast, printCounts, Recorder, runLoad, Scenario, settle, SimClient, storageGuarantees } from "./harness";

test("SIGTERM of the embedded server under load: exit 0, nothing acked lost, clients catch up after the restart", { timeout: 240_000 }, async (t) => {
  const scenario = new Scenario("SIGTERM (embedded)", t.signal);
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), "confab-faults-"));
    scenario.onTeardown(() => rmSync(dataDir, { recursive: true, force: true }));
    let server: TestServer = await scenario.server(() => startServer({}, { keepDataDir: dataDir }));
    scenario.log("server started");
    const { users, rooms } = await cast(server.url, { users: 10, rooms: 3 });
    scenario.log("users and rooms created");
    const recorder = new Recorder();
    const clients = users.map((user, i) => new SimClient({ name: `c${i}`, user, rooms, endpoints: () => [server.wsUrl], recorder, retryDelayMs: 500 }));
    await scenario.connect(clients);
    scenario.log("clients joined; load starts");

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
          scenario.log(`server stopped (exit ${exitCode})`);
          server = await scenario.server(() => startServer({ PORT: String(server.port) }, { keepDataDir: dataDir }));
          scenario.log("server restarted");
        },
      },
    });
    scenario.log("load over");

    // Generous: after a restart, a busy two-core machine can take many seconds to re-admit everyone.
    const { stalled, counts } = await settle(scenario, { recorder, clients, baseUrl: () => server.url, token: users[0]!.token, rooms, drainMs: 60_000, deliveriesMs: 10_000 });
    printCounts("SIGTERM of the embedded server under load", counts);

    assertGuarantees("SIGTERM (embedded)", {
      [`exit code ${exitCode}: graceful shutdown exits 0`]: exitCode === 0,
      ["the shutdown ran to its end (logged stopped)"]: stoppedLog === true,
      ...storageGuarantees(counts, stalled),
      [`reconnects = ${counts.reconnects}: every client came back after the restart`]: counts.reconnects >= clients.length,
      [`missed = ${counts.missed}: re-joining with since catches every client up`]: counts.missed === 0,
      [`deliveredTwice = ${counts.deliveredTwice}: nothing is delivered twice to one client`]: counts.deliveredTwice === 0,
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
