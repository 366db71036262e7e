/**
 * Fault 1: kill -9 of the embedded server (PGlite + in-process bus) under load, restarted on
 * the same DATA_DIR and port. Every acked message must be in the history after the restart,
 * and the senders' retries (same client id) must not store anything twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { assertGuarantees, cast, printCounts, Recorder, runLoad, Scenario, settle, SimClient, storageGuarantees } from "./harness";

test("kill -9 of the embedded server under load: every acked message is stored once after the restart", { timeout: 240_000 }, async (t) => {
  const scenario = new Scenario("kill -9 (embedded)", t.signal);
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

    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    await runLoad({
      senders: clients,
      rooms,
      rate: 20,
      durationMs: 10_000,
      fault: {
        atMs: 4_000,
        run: async () => {
          const killed = server.process;
          await server.stop("SIGKILL");
          exit = { code: killed.exitCode, signal: killed.signalCode };
          scenario.log("server killed");
          server = await scenario.server(() => startServer({ PORT: String(server.port) }, { keepDataDir: dataDir }));
          scenario.log("server restarted");
        },
      },
    });
    scenario.log("load over");

    // Generous: after a restart, a busy two-core machine can take many seconds to re-admit everyone.
    const { stalled, counts } = await settle(scenario, { recorder, clients, baseUrl: () => server.url, token: users[0]!.token, rooms, drainMs: 60_000, deliveriesMs: 10_000 });
    printCounts("kill -9 of the embedded server under load", counts);

    assertGuarantees("kill -9 (embedded)", {
      [`the server died of the kill (exit ${JSON.stringify(exit)})`]: exit?.code === null && exit.signal === "SIGKILL",
      ...storageGuarantees(counts, stalled),
      [`reconnects = ${counts.reconnects}: every client came back after the restart`]: counts.reconnects >= clients.length,
    });
  } catch (err) {
    scenario.dumpServerLogs();
    throw err;
  } finally {
    await scenario.teardown();
  }
});
