/**
 * Standing changes made on instance A apply to the very next frame of a socket on instance B,
 * whose standing cache hears about them over Redis. Run under scripts/with-services.sh.
 */
import { after, before, describe } from "node:test";
import type { TestSocket } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";
import { standingScenarios } from "../integration/standing-scenarios";

let A: TestServer;
let B: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  [A, B] = await Promise.all([startServer(servicesEnv()), startServer(servicesEnv())]);
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop()]);
});

describe("standing cache across instances", () => {
  standingScenarios(() => ({ act: A, on: B }), sockets);
});
