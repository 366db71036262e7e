import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, registerUser, TestSocket, uniqueName, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;

before(async () => {
  server = await startServer();
  alice = await registerUser(server.url, "alice");
});
after(() => server.stop());

/** Signs in through next-auth's credentials flow exactly as the browser form does. */
async function signInCookie(base: string, user: TestUser): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: base },
    body: new URLSearchParams({ csrfToken, username: user.username, password: user.password, json: "true" }),
  });
  const session = res.headers.getSetCookie().find((c) => c.includes("next-auth.session-token="));
  assert.ok(session, `no session cookie (status ${res.status})`);
  return session.split(";")[0]!;
}

describe("REST auth", () => {
  test("register validates, refuses duplicates case-insensitively, and token checks the password", async () => {
    const bad = await api<{ error: { code: string; message: string } }>(server.url, "POST", "/api/register", { body: { username: "x", password: "short" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "INVALID");
    assert.match(bad.body.error.message, /username/);

    const dup = await api(server.url, "POST", "/api/register", { body: { username: alice.username.toUpperCase(), password: "another password" } });
    assert.equal(dup.status, 409);

    const wrong = await api<{ error: { code: string } }>(server.url, "POST", "/api/token", { body: { username: alice.username, password: "wrong password" } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, "UNAUTHENTICATED");

    const notJson = await fetch(`${server.url}/api/register`, { method: "POST", body: "{nope" });
    assert.equal(notJson.status, 400);
  });

  test("GET /api/me needs a credential and accepts Bearer tokens and session cookies", async () => {
    assert.equal((await api(server.url, "GET", "/api/me")).status, 401);
    assert.equal((await api(server.url, "GET", "/api/me", { token: "garbage" })).status, 401);
    const me = await api<{ id: string; username: string }>(server.url, "GET", "/api/me", { token: alice.token });
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.id, me.body.username], [alice.id, alice.username]);

    const cookie = await signInCookie(server.url, alice);
    const viaCookie = await api<{ id: string }>(server.url, "GET", "/api/me", { headers: { cookie } });
    assert.equal(viaCookie.body.id, alice.id);
  });

  test("cross-origin mutations are refused and change nothing", async () => {
    const name = uniqueName("evil");
    const res = await api<{ error: { code: string } }>(server.url, "POST", "/api/rooms", {
      token: alice.token,
      body: { name, visibility: "public" },
      headers: { origin: "https://evil.example" },
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, "FORBIDDEN");
    const mine = await api<{ rooms: Array<{ name: string }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: alice.token });
    assert.ok(!mine.body.rooms.some((r) => r.name === name));

    const same = await api(server.url, "POST", "/api/rooms", { token: alice.token, body: { name, visibility: "public" }, headers: { origin: server.url } });
    assert.equal(same.status, 201);
  });
});

describe("socket auth", () => {
  test("Bearer header, ?token= and the session cookie all authenticate", async () => {
    const viaHeader = await TestSocket.connect(server.wsUrl, alice);
    const ready = viaHeader.frames.find((f) => f.type === "ready");
    assert.equal(ready?.type === "ready" && ready.user.id, alice.id);
    await viaHeader.close();

    const viaQuery = await TestSocket.open(`${server.wsUrl}?token=${encodeURIComponent(alice.token)}`);
    await viaQuery.next("ready");
    await viaQuery.close();

    const cookie = await signInCookie(server.url, alice);
    const viaCookie = await TestSocket.open(server.wsUrl, { headers: { cookie }, origin: server.url });
    const frame = await viaCookie.next("ready");
    assert.equal(frame.type === "ready" && frame.user.username, alice.username);
    await viaCookie.close();
  });

  test("a first `auth` frame authenticates; an invalid token or any other first frame closes 4001", async () => {
    const ok = await TestSocket.open(server.wsUrl);
    ok.send({ type: "auth", token: alice.token });
    await ok.next("ready");
    await ok.close();

    const badToken = await TestSocket.open(server.wsUrl);
    badToken.send({ type: "auth", token: "not-a-token" });
    assert.equal(await badToken.closed, 4001);

    const noAuth = await TestSocket.open(server.wsUrl);
    noAuth.send({ type: "ping" });
    assert.equal(await noAuth.closed, 4001);
    assert.ok(!noAuth.frames.some((f) => f.type === "pong"));

    const badHeader = await TestSocket.open(server.wsUrl, { headers: { authorization: "Bearer forged" } });
    assert.equal(await badHeader.closed, 4001);
  });

  test("a socket that never authenticates is closed with 4001", async () => {
    const idle = await TestSocket.open(server.wsUrl);
    assert.equal(await idle.closed, 4001);
    assert.match(idle.closeReason, /timed out/);
    assert.equal(idle.frames.length, 0);
  });

  test("cross-site handshakes are refused before upgrade; allowed origins pass", async () => {
    await assert.rejects(TestSocket.open(server.wsUrl, { token: alice.token, origin: "https://evil.example" }), /handshake refused: 403/);
    const same = await TestSocket.open(server.wsUrl, { token: alice.token, origin: server.url });
    await same.next("ready");
    await same.close();
  });

  test("paths other than /ws and /ws/<room> are not upgraded", async () => {
    await assert.rejects(TestSocket.open(server.wsUrl.replace("/ws", "/wsx"), { token: alice.token }));
  });
});
