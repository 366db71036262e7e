/**
 * Hostile input over REST: malformed bodies, params, query dates and path encoding all answer
 * 400 (or the documented 404 for ids that cannot name a row) in the JSON error shape, never a
 * 500 or a plain-text page. NUL reaches no query, and no message body or SQL parameter reaches
 * the log. Also: room creation is rate-limited and capped per user, and a token whose user row
 * was deleted is refused.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let room: string;

before(async () => {
  server = await startServer({ RATE_ROOMS_PER_MIN: "5", MAX_ROOMS_PER_USER: "3" });
  owner = await registerUser(server.url, "owner");
  room = await createRoom(server.url, owner);
});
after(() => server.stop());

type ErrorBody = { error?: { code?: unknown; message?: unknown } };

/** Sends a raw request and checks the JSON error shape; returns status and code. */
async function raw(method: string, url: string, init: { body?: string; token?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(server.url + url, {
    method,
    headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    assert.fail(`${method} ${url} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  assert.match(res.headers.get("content-type") ?? "", /application\/json/, `${method} ${url} content-type`);
  return { status: res.status, code: body.error?.code, message: body.error?.message, body };
}

async function expectInvalid(method: string, url: string, body: unknown, label: string, token = owner.token) {
  const res = await raw(method, url, { body: typeof body === "string" ? body : JSON.stringify(body), token });
  assert.equal(res.status, 400, `${label}: ${JSON.stringify(res.body)}`);
  assert.equal(res.code, "INVALID", label);
  assert.equal(typeof res.message, "string", label);
  return res;
}

describe("malformed bodies", () => {
  const bodies: Array<[string, string]> = [
    ["not JSON", "{name:"],
    ["empty", ""],
    ["array", "[]"],
    ["null", "null"],
    ["string", '"room"'],
    ["number name", JSON.stringify({ name: 5, visibility: "public" })],
    ["bad enum", JSON.stringify({ name: "x", visibility: "secret" })],
    ["object name", JSON.stringify({ name: { $ne: "" }, visibility: "public" })],
    ["prototype pollution", '{"__proto__":{"isAdmin":true},"name":"","visibility":"public"}'],
    ["huge name", JSON.stringify({ name: "x".repeat(100_000), visibility: "public" })],
    ["deep", JSON.stringify({ name: "x", visibility: "public", topic: JSON.parse("[".repeat(500) + "]".repeat(500)) as unknown })],
  ];
  for (const [label, body] of bodies) test(`POST /api/rooms: ${label} → 400`, () => expectInvalid("POST", "/api/rooms", body, label).then(() => {}));

  test("moderation, settings, invites, blocks, DMs, register and token refuse wrong shapes", async () => {
    await expectInvalid("POST", `/api/rooms/${room}/moderation`, { action: "nuke", user: randomUUID() }, "unknown action");
    await expectInvalid("POST", `/api/rooms/${room}/moderation`, { action: "mute", user: "me", duration_s: 1e400 }, "bad user");
    await expectInvalid("POST", `/api/rooms/${room}/moderation`, { action: "mute", user: randomUUID(), duration_s: -1 }, "negative duration");
    await expectInvalid("PATCH", `/api/rooms/${room}`, { slow_mode_s: "fast" }, "settings type");
    await expectInvalid("PATCH", `/api/rooms/${room}`, { owner: "me" }, "unknown setting");
    await expectInvalid("POST", `/api/rooms/${room}/invites`, { max_uses: 1e12 }, "invite uses");
    await expectInvalid("POST", `/api/rooms/${room}/invites`, { role: "owner" }, "invite as owner");
    await expectInvalid("POST", "/api/blocks", { user: 42 }, "block");
    await expectInvalid("POST", "/api/dms", { user: "../../etc/passwd" }, "dm");
    await expectInvalid("POST", "/api/register", { username: "a b", password: "x" }, "register");
    await expectInvalid("POST", "/api/token", { username: ["admin"], password: { $gt: "" } }, "token");
  });
});

describe("NUL and unpaired surrogates in stored text", () => {
  const MARKER = `secret-content-${randomUUID()}`;
  const nul = `${MARKER}\u0000tail`;

  test("every REST text field refuses NUL with INVALID naming the field", async () => {
    const victim = await registerUser(server.url, "victim");
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/api/rooms", { name: nul, visibility: "public" }, "name"],
      ["POST", "/api/rooms", { name: "ok", topic: nul, visibility: "public" }, "topic"],
      ["POST", "/api/rooms", { name: "lone \ud800 surrogate", visibility: "public" }, "name"],
      ["PATCH", `/api/rooms/${room}`, { name: nul }, "name"],
      ["PATCH", `/api/rooms/${room}`, { topic: nul }, "topic"],
      ["POST", `/api/rooms/${room}/moderation`, { action: "mute", user: victim.id, reason: nul }, "reason"],
      ["POST", `/api/rooms/${room}/moderation`, { action: "ban", user: victim.id, reason: nul }, "reason"],
      ["POST", `/api/rooms/${room}/moderation`, { action: "kick", user: victim.id, reason: nul }, "reason"],
      ["POST", "/api/register", { username: "nul\u0000user", password: "correct horse battery" }, "username"],
      ["POST", "/api/register", { username: "nuluser", password: `${nul}-long-enough` }, "password"],
      ["POST", "/api/token", { username: "nul\u0000user", password: "whatever" }, "username"],
      ["POST", "/api/token", { username: owner.username, password: nul }, "password"],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await expectInvalid(method, url, body, `${method} ${url} ${field}`);
      assert.equal((res.body.error as { field?: string }).field, field, `${method} ${url} names ${field}`);
    }
    const search = await raw("GET", `/api/rooms?q=${encodeURIComponent(nul)}`, { token: owner.token });
    assert.equal(search.status, 400, "search refuses NUL");
  });

  test("sign-in through next-auth with NUL is refused, not a 500", async () => {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, username: "nul\u0000user", password: nul, json: "true" }),
    });
    assert.ok(res.status < 500, `sign-in answered ${res.status}`);
    assert.ok(!res.headers.getSetCookie().some((c) => c.includes("session-token=")), "no session for a NUL username");
  });

  test("the socket refuses NUL in content, meta and edits; nothing reaches the log", async () => {
    const s = await TestSocket.connect(server.wsUrl, owner);
    await s.join(room);
    const ok = await s.request({ type: "send", room, content: "fine" });
    assert.equal(ok.type, "ack");
    const okId = ok.type === "ack" ? ok.message.id : "";
    for (const frame of [
      { type: "send", room, content: nul },
      { type: "send", room, content: "fine", meta: { note: nul } },
      { type: "send", room, content: "fine", meta: { [nul]: 1 } },
      { type: "send", room, content: `${MARKER} \udc00` },
      { type: "edit", room, message: okId, content: nul },
    ]) {
      const answer = await s.request(frame);
      assert.equal(answer.type === "error" && answer.code, "INVALID", JSON.stringify(frame).slice(0, 80));
      assert.ok(answer.type === "error" && (answer.field === "content" || answer.field === "meta"), "names the field");
    }
    await s.close();
    assert.ok(!server.logs.some((l) => l.includes(MARKER)), "message content never reaches the log");
    assert.ok(!server.logs.some((l) => l.includes("route handler failed") || l.includes("frame handler failed")), "no INTERNAL");
  });
});

describe("params, dates and paths", () => {
  test("out-of-range and malformed dates → 400 INVALID", async () => {
    for (const before of ["+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-01-01T00:00:00Z", "10000-01-01", "yesterday", "NaN", "2024-13-45"]) {
      const res = await raw("GET", `/api/rooms/${room}/audit?before=${encodeURIComponent(before)}`, { token: owner.token });
      assert.equal(res.status, 400, `before=${before}: ${JSON.stringify(res.body)}`);
      assert.equal(res.code, "INVALID");
    }
    assert.equal((await raw("GET", `/api/rooms/${room}/audit?before=2024-01-01T00:00:00Z`, { token: owner.token }).catch(() => ({ status: 0 }))).status, 200);
  });

  test("malformed numbers in queries → 400", async () => {
    for (const q of ["before=-1", "after=1e400", "limit=0", "limit=abc", "limit=1.5", "before=9007199254740993000"]) {
      const res = await raw("GET", `/api/rooms/${room}/messages?${q}`, { token: owner.token });
      assert.equal(res.status, 400, q);
    }
    assert.equal((await raw("GET", "/api/admin/activity?days=1e400", { token: owner.token })).status, 400);
  });

  test("malformed percent-encoding in a path → 400 JSON, on any route", async () => {
    for (const p of ["/api/rooms/%E0%A4%A", "/api/rooms/%", "/api/invites/%ZZ", "/rooms/%E0%A4%A", "/%C0%AF%"]) {
      const res = await raw("GET", p, { token: owner.token });
      assert.equal(res.status, 400, p);
      assert.equal(res.code, "INVALID", p);
    }
  });

  test("ids that cannot name a row are 404 in the JSON shape", async () => {
    for (const p of [`/api/rooms/not-a-uuid`, `/api/rooms/${room}/messages/%27%20or%201%3D1`, `/api/rooms/${"a".repeat(5000)}`, `/api/rooms/${randomUUID()}`]) {
      const res = await raw("GET", p, { token: owner.token });
      assert.equal(res.status, 404, p);
      assert.equal(res.code, "NOT_FOUND", p);
    }
  });
});

describe("room creation limits", () => {
  test("MAX_ROOMS_PER_USER caps a user's rooms (403); RATE_ROOMS_PER_MIN limits the pace (429)", async () => {
    const user = await registerUser(server.url, "builder");
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await api(server.url, "POST", "/api/rooms", { token: user.token, body: { name: `r${i}`, visibility: "public" } })).status);
    // Rate 5/min, cap 3: three rooms, then the cap, then the rate limit.
    assert.deepEqual(statuses, [201, 201, 201, 403, 403, 429, 429]);
    const limited = await fetch(`${server.url}/api/rooms`, { method: "POST", headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "again", visibility: "public" }) });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) > 0, "retry-after given");
    const mine = await api<{ rooms: unknown[] }>(server.url, "GET", "/api/rooms?scope=mine", { token: user.token });
    assert.equal(mine.body.rooms.length, 3);
  });
});

describe("deleted users", () => {
  test("a token whose user row was deleted is refused over REST and on the socket", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "confab-deleted-"));
    try {
      let instance = await startServer({}, { keepDataDir: dataDir });
      await registerUser(instance.url, "first");
      const doomed = await registerUser(instance.url, "doomed");
      assert.equal((await api(instance.url, "GET", "/api/me", { token: doomed.token })).status, 200);
      await instance.stop();
      // One process per PGlite data dir: delete the row while the server is down.
      const { PGlite } = await import("@electric-sql/pglite");
      const db = new PGlite(path.join(dataDir, "pglite"));
      await db.query("delete from users where id = $1", [doomed.id]);
      await db.close();
      instance = await startServer({}, { keepDataDir: dataDir });
      try {
        assert.equal((await api(instance.url, "GET", "/api/me", { token: doomed.token })).status, 401);
        assert.equal((await api(instance.url, "GET", "/api/rooms?scope=public", { token: doomed.token })).status, 401);
        assert.equal((await api(instance.url, "POST", "/api/rooms", { token: doomed.token, body: { name: "ghost", visibility: "public" } })).status, 401);
        const s = await TestSocket.open(instance.wsUrl, { token: doomed.token });
        assert.equal(await s.closed, 4001);
        const late = await TestSocket.open(instance.wsUrl);
        late.send({ type: "auth", token: doomed.token });
        assert.equal(await late.closed, 4001);
      } finally {
        await instance.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("disabling a user refuses their token at once on this instance, and enabling restores it", async () => {
    const admin = await registerUser(server.url, "notadmin");
    const victim = await registerUser(server.url, "disabled");
    assert.equal((await api(server.url, "GET", "/api/me", { token: victim.token })).status, 200, "cached as valid");
    // Only site admins (the first user, here `owner`) may disable.
    assert.equal((await api(server.url, "PATCH", `/api/admin/users/${victim.id}`, { token: admin.token, body: { disabled: true } })).status, 403);
    assert.equal((await api(server.url, "PATCH", `/api/admin/users/${owner.id}`, { token: owner.token, body: { disabled: true } })).status, 403, "site admins cannot be disabled");
    assert.equal((await api(server.url, "PATCH", `/api/admin/users/${victim.id}`, { token: owner.token, body: { disabled: true } })).status, 200);
    assert.equal((await api(server.url, "GET", "/api/me", { token: victim.token })).status, 401, "refused without waiting for the cache");
    assert.equal((await api(server.url, "POST", "/api/token", { body: { username: victim.username, password: victim.password } })).status, 401, "cannot sign in");
    assert.equal((await api(server.url, "PATCH", `/api/admin/users/${victim.id}`, { token: owner.token, body: { disabled: false } })).status, 200);
    assert.equal((await api(server.url, "GET", "/api/me", { token: victim.token })).status, 200);
  });
});
