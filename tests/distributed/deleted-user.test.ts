/**
 * Tokens are JWTs and cannot be revoked, so a deleted account's token must fail on its own:
 * per request and per new connection, on every instance, once USER_CACHE_TTL_MS has passed.
 * The row is deleted straight in Postgres, so no instance is told (nothing calls forgetUser).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import postgres from "postgres";
import { api, registerUser, TestSocket, waitFor } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const servers: TestServer[] = [];

before(async () => {
  const env = { ...servicesEnv(), USER_CACHE_TTL_MS: "500" };
  servers.push(await startServer(env), await startServer(env));
});
after(() => Promise.all(servers.map((s) => s.stop())));

test("a deleted user's token is refused over REST and on new sockets on every instance", async () => {
  const [A, B] = servers as [TestServer, TestServer];
  const user = await registerUser(A.url, "doomed");
  for (const server of [A, B]) {
    assert.equal((await api(server.url, "GET", "/api/me", { token: user.token })).status, 200, "valid before");
    await (await TestSocket.connect(server.wsUrl, user)).close();
  }

  const sql = postgres(servicesEnv().DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const deleted = await sql`delete from users where id = ${user.id}`;
    assert.equal(deleted.count, 1);
  } finally {
    await sql.end({ timeout: 5 });
  }

  for (const server of [A, B]) {
    await waitFor(async () => (await api(server.url, "GET", "/api/me", { token: user.token })).status === 401, {
      what: "REST to refuse the deleted user's token",
    });
    const socket = await TestSocket.open(server.wsUrl, { token: user.token });
    assert.equal(await socket.closed, 4001, "the socket is refused as unauthenticated");
  }
});
