/**
 * Postgres goes away under a running instance (immediate shutdown, as in a crash) and comes
 * back. While it is down, sends fail with a retryable UNAVAILABLE instead of hanging or an
 * INTERNAL, and /api/health says 503; once it is back, resending the same id stores the
 * message exactly once. Run under scripts/with-services.sh, which provides SERVICES_PG_CONTROL.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, type TestUser } from "../support/client";
import { controlPostgres, restorePostgres, servicesEnv, startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let socket: TestSocket | undefined;

before(async () => {
  server = await startServer({ ...servicesEnv(), DB_QUERY_TIMEOUT_MS: "2000" });
  alice = await registerUser(server.url, "alice");
});

after(async () => {
  restorePostgres();
  await socket?.close();
  await server?.stop();
});

test("sends fail retryably while Postgres is down and a retry after it returns is stored once", async (t) => {
  const room = await createRoom(server.url, alice);
  socket = await TestSocket.connect(server.wsUrl, alice);
  await socket.join(room);
  const first = await socket.request({ type: "send", room: room, content: "before the outage" });
  assert.equal(first.type, "ack");

  controlPostgres("stop");

  const id = randomUUID();
  let started = performance.now();
  const refused = await socket.request({ type: "send", id, room: room, content: "during the outage" }, 15_000);
  assert.equal(refused.type, "error", JSON.stringify(refused));
  const error = refused as Extract<ServerFrame, { type: "error" }>;
  assert.equal(error.code, "UNAVAILABLE");
  assert.equal(error.retryable, true);
  t.diagnostic(`send refused after ${Math.round(performance.now() - started)} ms`);

  started = performance.now();
  const health = await api<{ status: string }>(server.url, "GET", "/api/health");
  t.diagnostic(`health answered ${health.status} after ${Math.round(performance.now() - started)} ms`);
  assert.equal(health.status, 503);
  assert.equal(health.body.status, "unavailable");

  controlPostgres("start");

  // The pool may meet a dead connection or two before a fresh one: retry like a client would.
  let answer: ServerFrame | undefined;
  let attempt = 0;
  for (; attempt < 20; attempt++) {
    answer = await socket.request({ type: "send", id, room: room, content: "during the outage" }, 15_000);
    if (answer.type === "ack") break;
    assert.equal(answer.type === "error" && answer.retryable, true, JSON.stringify(answer));
    await sleep(250);
  }
  assert.equal(answer?.type, "ack", JSON.stringify(answer));
  t.diagnostic(`acked on retry ${attempt + 1} after the restart`);
  // The same id again is the same ack, not a second message.
  const again = await socket.request({ type: "send", id, room: room, content: "during the outage" });
  assert.equal(again.type, "ack");
  const acked = (answer as Extract<ServerFrame, { type: "ack" }>).message;
  assert.equal((again as Extract<ServerFrame, { type: "ack" }>).message.id, acked.id);

  const healthy = await api<{ status: string }>(server.url, "GET", "/api/health");
  assert.equal(healthy.status, 200);
  assert.equal(healthy.body.status, "ok");

  const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
  assert.equal(history.status, 200);
  const stored = history.body.messages.filter((m) => m.client_id === id);
  assert.equal(stored.length, 1);
  assert.deepEqual(
    history.body.messages.map((m) => m.content),
    ["before the outage", "during the outage"],
  );
});
