/** Standing changes (settings, mute, role, ban) apply to the very next frame on one instance. */
import { after, before, describe } from "node:test";
import type { TestSocket } from "../support/client";
import { startServer, type TestServer } from "../support/server";
import { standingScenarios } from "./standing-scenarios";

let server: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  server = await startServer();
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await server.stop();
});

describe("standing cache on one instance", () => {
  standingScenarios(() => ({ act: server, on: server }), sockets);
});
