import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, createRoom, TestSocket } from "../support/client";
import { siteAdmin, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

type Days = { days: Array<{ day: string; kind: string; count: number; users: number }> };

describe("activity rows", () => {
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

  test("joins and moderation go through the same batch and are counted as soon as an admin asks; the audit rows are there with the actions", async () => {
    const admin = await siteAdmin(server);
    const [owner, joiner, other] = await users(server, ["act-owner", "act-joiner", "act-other"]);
    const counts = async () => {
      const res = await api<Days>(server.url, "GET", "/api/admin/activity?days=1", { token: admin.token });
      assert.equal(res.status, 200);
      const sum = (kind: string) => res.body.days.filter((d) => d.kind === kind).reduce((n, d) => n + d.count, 0);
      return { join: sum("join"), moderation: sum("moderation") };
    };
    const before = await counts();
    const room = await createRoom(server.url, owner);
    for (const user of [joiner, other]) assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: user.token })).status, 200);
    // A second join of a member adds nobody and counts nothing.
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: joiner.token })).status, 200);
    const moderate = (body: Record<string, unknown>) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });
    assert.equal((await moderate({ action: "mute", user: joiner.id, duration_s: 60 })).status, 200);
    assert.equal((await moderate({ action: "kick", user: other.id })).status, 200);
    // Refused: nobody to unban. Neither an audit row nor a count.
    assert.equal((await moderate({ action: "unban", user: other.id })).status, 404);
    assert.deepEqual(await counts(), { join: before.join + 2, moderation: before.moderation + 2 });
    const audit = await api<{ entries: Array<{ action: string; target: { id: string } | null }> }>(server.url, "GET", `/api/rooms/${room}/audit`, { token: owner.token });
    assert.deepEqual(
      audit.body.entries.map((e) => [e.action, e.target?.id]).sort(([a], [b]) => String(a).localeCompare(String(b))),
      [
        ["kick", other.id],
        ["mute", joiner.id],
      ],
    );
  });
});
