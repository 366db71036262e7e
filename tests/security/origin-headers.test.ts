/**
 * Cross-site and proxy trust: an Origin table (scheme, port, host, null, userinfo, suffix
 * tricks) for socket upgrades and REST mutations; X-Forwarded-* from a client is ignored
 * unless TRUST_PROXY; and the security headers on pages, API answers and static files.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let user: TestUser;
let room: string;

before(async () => {
  server = await startServer();
  user = await registerUser(server.url, "origin");
  room = await createRoom(server.url, user, "private");
});
after(() => server.stop());

/** [label, Origin header, accepted?] — `self` is http://127.0.0.1:<port>. */
function originTable(port: number): Array<[string, string, boolean]> {
  return [
    ["same origin", `http://127.0.0.1:${port}`, true],
    ["https on an http server", `https://127.0.0.1:${port}`, false],
    ["ws scheme", `ws://127.0.0.1:${port}`, false],
    ["wss scheme", `wss://127.0.0.1:${port}`, false],
    ["ftp scheme", `ftp://127.0.0.1:${port}`, false],
    ["file scheme", "file://", false],
    ["other port", `http://127.0.0.1:${port + 1}`, false],
    ["no port", "http://127.0.0.1", false],
    ["other host", `http://localhost:${port}`, false],
    ["null", "null", false],
    ["userinfo", `http://evil@127.0.0.1:${port}`, false],
    ["userinfo with password", `http://a:b@127.0.0.1:${port}`, false],
    ["suffix on host", `http://127.0.0.1.evil.example:${port}`, false],
    ["suffix on port", `http://127.0.0.1:${port}.evil.example`, false],
    ["prefix", `http://evil.example.127.0.0.1:${port}`, false],
    ["trailing slash", `http://127.0.0.1:${port}/`, false],
    ["path", `http://127.0.0.1:${port}/ws`, false],
    ["upper-case scheme", `HTTP://127.0.0.1:${port}`, false],
    ["two origins", `http://127.0.0.1:${port} http://evil.example`, false],
    ["garbage", "not an origin", false],
    ["evil", "https://evil.example", false],
  ];
}

async function upgradeAccepted(url: string, token: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const s = await TestSocket.open(url, { token, headers });
    await s.close();
    return true;
  } catch (err) {
    assert.match(String(err), /handshake refused: 403/);
    return false;
  }
}

describe("Origin table", () => {
  test("socket upgrades: only the exact same origin", async () => {
    for (const [label, origin, accepted] of originTable(server.port)) {
      assert.equal(await upgradeAccepted(server.wsUrl, user.token, { origin }), accepted, `upgrade, ${label}: ${origin}`);
    }
  });

  test("REST mutations: only the exact same origin (and none at all for non-browser clients)", async () => {
    for (const [label, origin, accepted] of originTable(server.port)) {
      const res = await api(server.url, "POST", `/api/rooms/${room}/invites`, { token: user.token, body: { role: "member" }, headers: { origin } });
      assert.equal(res.status, accepted ? 201 : 403, `REST, ${label}: ${origin}`);
    }
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/invites`, { token: user.token, body: {} })).status, 201, "no Origin: not a browser");
  });

  test("a client's X-Forwarded-Proto cannot make an https Origin pass without TRUST_PROXY", async () => {
    const origin = `https://127.0.0.1:${server.port}`;
    const headers = { origin, "x-forwarded-proto": "https" };
    assert.equal(await upgradeAccepted(server.wsUrl, user.token, headers), false);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/invites`, { token: user.token, body: {}, headers })).status, 403);
  });
});

describe("forwarded headers", () => {
  test("invite links ignore a client's X-Forwarded-Host and X-Forwarded-Proto", async () => {
    const res = await api<{ url: string }>(server.url, "POST", `/api/rooms/${room}/invites`, {
      token: user.token,
      body: {},
      headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    });
    assert.equal(res.status, 201);
    assert.ok(res.body.url.startsWith(`${server.url}/invite/`), res.body.url);
  });

  test("next-auth builds its URLs from the Host, not a client's X-Forwarded-Host", async () => {
    const res = await fetch(`${server.url}/api/auth/signin`, { redirect: "manual", headers: { "x-forwarded-host": "evil.example" } });
    const location = res.headers.get("location") ?? "";
    assert.ok(!location.includes("evil.example"), location);
    const providers = (await (await fetch(`${server.url}/api/auth/providers`, { headers: { "x-forwarded-host": "evil.example" } })).json()) as Record<string, { signinUrl: string }>;
    for (const p of Object.values(providers)) assert.ok(p.signinUrl.startsWith(server.url), p.signinUrl);
  });

  test("behind a trusted proxy (TRUST_PROXY=true) the forwarded host and scheme are used", async () => {
    const proxied = await startServer({ TRUST_PROXY: "true" });
    try {
      const owner = await registerUser(proxied.url, "proxied");
      const proxiedRoom = await createRoom(proxied.url, owner, "private");
      const headers = { "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" };
      const res = await api<{ url: string }>(proxied.url, "POST", `/api/rooms/${proxiedRoom}/invites`, { token: owner.token, body: {}, headers });
      assert.ok(res.body.url.startsWith("https://chat.example/invite/"), res.body.url);
      // TLS ends at the proxy, which keeps the Host: the browser's Origin is https.
      const https = { origin: `https://127.0.0.1:${proxied.port}`, "x-forwarded-proto": "https" };
      assert.equal(await upgradeAccepted(proxied.wsUrl, owner.token, https), true);
      assert.equal(await upgradeAccepted(proxied.wsUrl, owner.token, { origin: `http://127.0.0.1:${proxied.port}`, "x-forwarded-proto": "https" }), false);
    } finally {
      await proxied.stop();
    }
  });
});

describe("security headers", () => {
  const common = (res: Response, what: string) => {
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", `${what} nosniff`);
    assert.equal(res.headers.get("x-frame-options"), "DENY", `${what} x-frame-options`);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer", `${what} referrer-policy`);
    assert.match(res.headers.get("permissions-policy") ?? "", /camera=\(\)/, `${what} permissions-policy`);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /frame-ancestors 'none'/, `${what} frame-ancestors`);
    return csp;
  };

  test("pages carry a nonce CSP that their own scripts satisfy", async () => {
    const nonces = new Set<string>();
    for (const path of ["/signin", "/signup", "/invite/whatever"]) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200, path);
      const csp = common(res, path);
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, `${path} has a nonce`);
      nonces.add(nonce);
      assert.match(csp, /script-src 'self' 'nonce-[^']+' 'strict-dynamic' 'wasm-unsafe-eval'(;|$)/, `${path} script-src has no unsafe-inline/eval`);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /connect-src 'self'/);
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.ok(scripts.length > 0, `${path} has scripts`);
      for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag} carries the nonce`);
    }
    assert.equal(nonces.size, 3, "a fresh nonce per response");
  });

  test("API answers, errors and static files carry the headers too", async () => {
    for (const [path, status] of [
      ["/api/health", 200],
      ["/api/me", 401],
      ["/api/rooms/%E0%A4%A", 400],
      ["/api/nothing-here", 404],
    ] as const) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, status, path);
      assert.match(common(res, path), /default-src 'none'/, `${path} data CSP`);
    }
    const page = await (await fetch(`${server.url}/signin`)).text();
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page)?.[1];
    assert.ok(chunk, "a static chunk");
    const res = await fetch(server.url + chunk);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
  });
});
