/**
 * Site administration across instances on real Postgres + Redis: disabling (or deleting) a
 * user on A closes their sockets on B within a second and B refuses their token at once, though
 * B had cached it as valid for a minute; and the dashboard on either instance shows both
 * instances' samples (published through Redis). Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, registerUser, TestSocket, uniqueName, waitFor, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const ADMIN = uniqueName("siteadm");
let A: TestServer;
let B: TestServer;
let admin: TestUser;

type Series = { instances: Array<{ id: string; points: Array<{ t: number; connections: number }> }>; total: Array<{ t: number; connections: number }> };

before(async () => {
  const env = { ...servicesEnv(), SITE_ADMINS: ADMIN, USER_CACHE_TTL_MS: "60000", METRICS_SAMPLE_MS: "300" };
  [A, B] = await Promise.all([startServer(env), startServer(env)]);
  const password = "correct horse battery";
  const reg = await api<{ id: string }>(A.url, "POST", "/api/register", { body: { username: ADMIN, password } });
  assert.equal(reg.status, 201);
  const tok = await api<{ token: string }>(A.url, "POST", "/api/token", { body: { username: ADMIN, password } });
  admin = { id: reg.body.id, username: ADMIN, password, token: tok.body.token };
});
after(() => Promise.allSettled([A?.stop(), B?.stop()]));

describe("site administration across instances", () => {
  for (const action of ["disable", "delete"] as const) {
    test(`${action} on A closes the user's sockets on B within 1 s and B refuses their token at once`, async () => {
      const user = await registerUser(B.url, action);
      const onB = [await TestSocket.connect(B.wsUrl, user), await TestSocket.connect(B.wsUrl, user)];
      const onA = await TestSocket.connect(A.wsUrl, user);
      // Cached as valid on B for a minute: only the bus can make B forget in time.
      assert.equal((await api(B.url, "GET", "/api/me", { token: user.token })).status, 200);

      const started = Date.now();
      const res =
        action === "disable"
          ? await api(A.url, "PATCH", `/api/admin/users/${user.id}`, { token: admin.token, body: { disabled: true } })
          : await api(A.url, "DELETE", `/api/admin/users/${user.id}`, { token: admin.token });
      assert.equal(res.status, 200);
      const codes = await Promise.all([...onB, onA].map((s) => s.closed));
      assert.deepEqual(codes, [4001, 4001, 4001]);
      assert.ok(Date.now() - started < 1000, `closed everywhere within 1 s (took ${Date.now() - started} ms)`);

      assert.equal((await api(B.url, "GET", "/api/me", { token: user.token })).status, 401, "B refuses the token at once");
      const again = await TestSocket.open(B.wsUrl, { token: user.token });
      assert.equal(await again.closed, 4001);
    });
  }

  test("enabling on A is honoured by B at once", async () => {
    const user = await registerUser(B.url, "back");
    assert.equal((await api(A.url, "PATCH", `/api/admin/users/${user.id}`, { token: admin.token, body: { disabled: true } })).status, 200);
    await waitFor(async () => (await api(B.url, "GET", "/api/me", { token: user.token })).status === 401, { what: "B to refuse", timeoutMs: 1000 });
    assert.equal((await api(A.url, "PATCH", `/api/admin/users/${user.id}`, { token: admin.token, body: { disabled: false } })).status, 200);
    assert.equal((await api(B.url, "GET", "/api/me", { token: user.token })).status, 200, "B forgot the refusal it had cached");
  });

  test("either instance's dashboard shows both instances and their total", async () => {
    const user = await registerUser(B.url, "watcher");
    const socket = await TestSocket.connect(B.wsUrl, user);
    try {
      let series: Series | undefined;
      await waitFor(
        async () => {
          series = (await api<Series>(A.url, "GET", "/api/admin/metrics", { token: admin.token })).body;
          return series.instances.filter((i) => i.points.length > 0).length >= 2 && series.instances.some((i) => i.points.at(-1)!.connections >= 1);
        },
        { what: "both instances in A's series", timeoutMs: 5000 },
      );
      const lastTotal = series!.total.at(-1)!;
      const atThatTime = series!.instances.map((i) => i.points.find((p) => p.t === lastTotal.t)?.connections ?? 0);
      assert.equal(lastTotal.connections, atThatTime.reduce((a, b) => a + b, 0), "the total adds the instances up");
      const fromB = (await api<Series>(B.url, "GET", "/api/admin/metrics", { token: admin.token })).body;
      assert.ok(fromB.instances.length >= 2, "B answers for A too");
    } finally {
      await socket.close();
    }
  });
});
