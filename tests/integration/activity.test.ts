import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, TestSocket } from "../support/client";
import { siteAdmin, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

type Days = { days: Array<{ day: string; kind: string; count: number; users: number }> };

describe("activity rows of connects", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test("a burst of connects is counted exactly, per user, as soon as an admin asks", async () => {
    const admin = await siteAdmin(server);
    const people = await users(server, ["burst-a", "burst-b", "burst-c"]);
    const connects = async () => {
      const res = await api<Days>(server.url, "GET", "/api/admin/activity?days=1", { token: admin.token });
      assert.equal(res.status, 200);
      const rows = res.body.days.filter((d) => d.kind === "connect");
      return { count: rows.reduce((n, d) => n + d.count, 0), users: rows.reduce((n, d) => Math.max(n, d.users), 0) };
    };
    assert.deepEqual(await connects(), { count: 0, users: 0 });
    // Ten sockets per user (MAX_SOCKETS_PER_USER), all handshaking at once.
    const sockets = await Promise.all(people.flatMap((user) => Array.from({ length: 10 }, () => TestSocket.connect(server.wsUrl, user))));
    assert.deepEqual(await connects(), { count: 30, users: 3 });
    await Promise.all(sockets.map((s) => s.close()));
    const one = await TestSocket.connect(server.wsUrl, admin);
    assert.deepEqual(await connects(), { count: 31, users: 4 });
    await one.close();
  });
});
