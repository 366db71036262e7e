/**
 * Site administration against the real server: every admin route refuses non-admins (and
 * changes nothing), disabling closes the user's socket and refuses their token at once, a reset
 * link works once, archiving makes a room read-only, deleting keeps messages as "deleted user",
 * the last site admin cannot be revoked, each action writes an audit row, and the dashboard's
 * series come from the live registry.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: TestUser;

type AuditBody = { entries: Array<{ action: string; target: { id: string; name: string }; actor: { id: string } | null }> };
type Series = { interval_ms: number; instances: Array<{ id: string; points: Array<Record<string, number | null>> }>; total: Array<Record<string, number | null>> };

before(async () => {
  server = await startServer({ METRICS_SAMPLE_MS: "300", USER_CACHE_TTL_MS: "60000" });
  // The first user administers the site.
  admin = await registerUser(server.url, "root");
});
after(() => server.stop());

const as = (user: TestUser) => ({
  get: <T>(path: string) => api<T>(server.url, "GET", path, { token: user.token }),
  patch: <T>(path: string, body: unknown) => api<T>(server.url, "PATCH", path, { token: user.token, body }),
  post: <T>(path: string, body?: unknown) => api<T>(server.url, "POST", path, { token: user.token, body }),
  del: <T>(path: string) => api<T>(server.url, "DELETE", path, { token: user.token }),
});

const auditActions = async () => (await as(admin).get<AuditBody>("/api/admin/audit")).body.entries;

describe("authorization", () => {
  test("a non-admin is refused (403 FORBIDDEN) on every site-admin route and nothing changes", async () => {
    const mallory = await registerUser(server.url, "mallory");
    const victim = await registerUser(server.url, "victim");
    const room = await createRoom(server.url, victim);
    const before = (await auditActions()).length;
    const routes: Array<[string, string, unknown?]> = [
      ["GET", "/api/admin/users"],
      ["GET", "/api/admin/users?q=vic&page=1"],
      ["PATCH", `/api/admin/users/${victim.id}`, { disabled: true }],
      ["PATCH", `/api/admin/users/${mallory.id}`, { site_admin: true }],
      ["DELETE", `/api/admin/users/${victim.id}`],
      ["POST", `/api/admin/users/${victim.id}/password-reset`],
      ["GET", "/api/admin/rooms"],
      ["PATCH", `/api/admin/rooms/${room}`, { archived: true }],
      ["DELETE", `/api/admin/rooms/${room}`],
      ["GET", "/api/admin/audit"],
      ["GET", "/api/admin/metrics"],
      ["GET", "/api/admin/metrics/stream"],
      ["GET", "/api/admin/activity"],
      ["GET", "/api/admin/archive"],
      ["PATCH", "/api/admin/archive", { enabled: true }],
    ];
    for (const [method, path, body] of routes) {
      const res = await api<{ error: { code: string } }>(server.url, method, path, { token: mallory.token, body });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, "FORBIDDEN", `${method} ${path}`);
      const anonymous = await api(server.url, method, path, { body });
      assert.equal(anonymous.status, 401, `${method} ${path} signed out`);
    }
    assert.equal((await api(server.url, "GET", "/api/me", { token: victim.token })).status, 200, "victim still active");
    const detail = await api<{ settings: Record<string, unknown> }>(server.url, "GET", `/api/rooms/${room}`, { token: victim.token });
    assert.equal(detail.status, 200, "room still exists");
    assert.equal(detail.body.settings.archived_at, undefined, "room not archived");
    assert.equal((await auditActions()).length, before, "no audit rows from refused attempts");
  });

  test("bodies and queries are validated", async () => {
    const user = await registerUser(server.url, "valid");
    assert.equal((await as(admin).patch(`/api/admin/users/${user.id}`, {})).status, 400);
    assert.equal((await as(admin).patch(`/api/admin/users/${user.id}`, { disabled: "yes" })).status, 400);
    assert.equal((await as(admin).patch(`/api/admin/users/${user.id}`, { disabled: true, extra: 1 })).status, 400);
    assert.equal((await as(admin).get("/api/admin/users?page=0")).status, 400);
    assert.equal((await as(admin).patch(`/api/admin/users/not-a-uuid`, { disabled: true })).status, 404);
    assert.equal((await as(admin).patch(`/api/admin/users/${randomUUID()}`, { disabled: true })).status, 404);
  });
});

describe("users", () => {
  test("list and search page through users", async () => {
    const tag = `srch${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await registerUser(server.url, tag);
    const page1 = await as(admin).get<{ users: Array<{ username: string }>; total: number }>(`/api/admin/users?q=${tag}&limit=2&page=1`);
    const page2 = await as(admin).get<{ users: Array<{ username: string }>; total: number }>(`/api/admin/users?q=${tag}&limit=2&page=2`);
    assert.equal(page1.body.total, 3);
    assert.equal(page1.body.users.length, 2);
    assert.equal(page2.body.users.length, 1);
    const names = [...page1.body.users, ...page2.body.users].map((u) => u.username);
    assert.equal(new Set(names).size, 3);
    assert.ok(names.every((n) => n.startsWith(tag)));
  });

  test("disabling closes the user's socket and refuses their token at once; enabling restores it", async () => {
    const user = await registerUser(server.url, "dis");
    const socket = await TestSocket.connect(server.wsUrl, user);
    assert.equal((await api(server.url, "GET", "/api/me", { token: user.token })).status, 200, "cached as valid for a minute");
    const started = Date.now();
    const res = await as(admin).patch<{ disabled: boolean }>(`/api/admin/users/${user.id}`, { disabled: true });
    assert.equal(res.status, 200);
    assert.equal(await socket.closed, 4001);
    assert.ok(Date.now() - started < 1000, "socket closed within a second");
    assert.equal((await api(server.url, "GET", "/api/me", { token: user.token })).status, 401);
    const again = await TestSocket.open(server.wsUrl, { token: user.token });
    assert.equal(await again.closed, 4001);
    assert.equal((await api(server.url, "POST", "/api/token", { body: { username: user.username, password: user.password } })).status, 401);

    assert.equal((await as(admin).patch(`/api/admin/users/${user.id}`, { disabled: false })).status, 200);
    assert.equal((await api(server.url, "GET", "/api/me", { token: user.token })).status, 200);
    const actions = (await auditActions()).filter((e) => e.target.id === user.id).map((e) => e.action);
    assert.deepEqual(actions, ["user_enable", "user_disable"]);
  });

  test("a reset link works once and sets a new password", async () => {
    const user = await registerUser(server.url, "reset");
    const link = await as(admin).post<{ url: string; token: string; expires_at: string }>(`/api/admin/users/${user.id}/password-reset`);
    assert.equal(link.status, 201);
    assert.match(link.body.url, new RegExp(`/reset/${link.body.token}$`));
    const expires = Date.parse(link.body.expires_at) - Date.now();
    assert.ok(expires > 3_500_000 && expires <= 3_600_000, "valid for an hour");
    const peek = await api<{ username: string }>(server.url, "GET", `/api/password-reset/${link.body.token}`);
    assert.equal(peek.body.username, user.username);

    const first = await api(server.url, "POST", "/api/password-reset", { body: { token: link.body.token, password: "a brand new password" } });
    assert.equal(first.status, 200);
    const second = await api(server.url, "POST", "/api/password-reset", { body: { token: link.body.token, password: "another new password" } });
    assert.equal(second.status, 404, "the link works once");
    assert.equal((await api(server.url, "GET", `/api/password-reset/${link.body.token}`)).status, 404);
    assert.equal((await api(server.url, "POST", "/api/token", { body: { username: user.username, password: user.password } })).status, 401, "old password refused");
    assert.equal((await api(server.url, "POST", "/api/token", { body: { username: user.username, password: "a brand new password" } })).status, 200);
    assert.ok((await auditActions()).some((e) => e.action === "user_password_reset" && e.target.id === user.id));
  });

  test("site admin can be granted and revoked, never from the last admin", async () => {
    const res = await as(admin).patch<{ error: { code: string } }>(`/api/admin/users/${admin.id}`, { site_admin: false });
    assert.equal(res.status, 409, "the last site admin stays");
    const deputy = await registerUser(server.url, "deputy");
    assert.equal((await as(deputy).get("/api/admin/users")).status, 403);
    assert.equal((await as(admin).patch(`/api/admin/users/${deputy.id}`, { site_admin: true })).status, 200);
    assert.equal((await as(deputy).get("/api/admin/users")).status, 200, "granted at once");
    assert.equal((await as(admin).patch(`/api/admin/users/${deputy.id}`, { disabled: true })).status, 403, "site admins cannot be disabled");
    assert.equal((await as(deputy).patch(`/api/admin/users/${deputy.id}`, { site_admin: false })).status, 200, "not the last one");
    assert.equal((await as(deputy).get("/api/admin/users")).status, 403, "revoked at once");
    const actions = (await auditActions()).filter((e) => e.target.id === deputy.id).map((e) => e.action);
    assert.deepEqual(actions, ["user_revoke_admin", "user_grant_admin"]);
  });

  test("deleting a user keeps their messages as from \"deleted user\" and frees the name", async () => {
    const user = await registerUser(server.url, "gone");
    const reader = await registerUser(server.url, "reader");
    const room = await createRoom(server.url, reader);
    const socket = await TestSocket.connect(server.wsUrl, user);
    await socket.join(room);
    const ack = await socket.request({ type: "send", room, content: "remember me" });
    assert.equal(ack.type, "ack");
    const res = await as(admin).del(`/api/admin/users/${user.id}`);
    assert.equal(res.status, 200);
    assert.equal(await socket.closed, 4001);
    assert.equal((await api(server.url, "GET", "/api/me", { token: user.token })).status, 401);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: reader.token });
    const kept = history.body.messages.find((m) => m.content === "remember me");
    assert.ok(kept, "the message keeps its place");
    assert.equal(kept.sender_name, "deleted user");
    const members = await api<{ members: Array<{ id: string }> }>(server.url, "GET", `/api/rooms/${room}`, { token: reader.token });
    assert.ok(!members.body.members.some((m) => m.id === user.id), "no longer a member");
    const again = await api(server.url, "POST", "/api/register", { body: { username: user.username, password: "correct horse battery" } });
    assert.equal(again.status, 201, "the username is free again");
    const listed = await as(admin).get<{ users: Array<{ id: string }> }>(`/api/admin/users?q=${user.username}`);
    assert.ok(!listed.body.users.some((u) => u.id === user.id), "gone from the list");
    assert.ok((await auditActions()).some((e) => e.action === "user_delete" && e.target.id === user.id && e.target.name === user.username));
  });
});

describe("rooms", () => {
  test("rooms are listed with member and message counts", async () => {
    const owner = await registerUser(server.url, "counts");
    const name = `counted${Date.now().toString(36)}`;
    const room = await createRoom(server.url, owner, "public", name);
    const other = await registerUser(server.url, "joiner");
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: other.token })).status, 200);
    const socket = await TestSocket.connect(server.wsUrl, owner);
    await socket.join(room);
    for (const content of ["one", "two", "three"]) assert.equal((await socket.request({ type: "send", room, content })).type, "ack");
    await socket.close();
    const list = await as(admin).get<{ rooms: Array<{ id: string; members: number; messages: number }> }>(`/api/admin/rooms?q=${name}`);
    // The three messages people wrote; the join line is not counted.
    assert.deepEqual(list.body.rooms.map((r) => [r.id, r.members, r.messages]), [[room, 2, 3]]);
  });

  test("archiving makes a room read-only with ARCHIVED; unarchiving restores it", async () => {
    const owner = await registerUser(server.url, "arch");
    const room = await createRoom(server.url, owner);
    const socket = await TestSocket.connect(server.wsUrl, owner);
    await socket.join(room);
    const sent = await socket.request({ type: "send", room, content: "before" });
    assert.equal(sent.type, "ack");
    const message = (sent as Extract<typeof sent, { type: "ack" }>).message;

    assert.equal((await as(admin).patch(`/api/admin/rooms/${room}`, { archived: true })).status, 200);
    const updated = await socket.next((f) => f.type === "room_updated" && f.room === room);
    assert.equal(typeof (updated as { settings: Record<string, unknown> }).settings.archived_at, "string", "members hear it live");

    for (const frame of [
      { type: "send", room, content: "after" },
      { type: "edit", room, message: message.id, content: "changed" },
      { type: "react", room, message: message.id, emoji: "👍", op: "add" },
      { type: "delete", room, message: message.id },
    ]) {
      const answer = await socket.request(frame);
      assert.equal(answer.type, "error", frame.type);
      assert.equal((answer as { code: string }).code, "ARCHIVED", frame.type);
    }
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.map((m) => m.content), ["before"], "still readable, nothing added");

    assert.equal((await as(admin).patch(`/api/admin/rooms/${room}`, { archived: false })).status, 200);
    await socket.next((f) => f.type === "room_updated" && f.room === room && !("archived_at" in f.settings), { fromIndex: socket.frames.indexOf(updated) + 1 });
    assert.equal((await socket.request({ type: "send", room, content: "after" })).type, "ack");
    const actions = (await auditActions()).filter((e) => e.target.id === room).map((e) => e.action);
    assert.deepEqual(actions, ["room_unarchive", "room_archive"]);
  });

  test("deleting a room removes it and its members' sockets leave it", async () => {
    const owner = await registerUser(server.url, "delr");
    const room = await createRoom(server.url, owner);
    const socket = await TestSocket.connect(server.wsUrl, owner);
    await socket.join(room);
    assert.equal((await as(admin).del(`/api/admin/rooms/${room}`)).status, 200);
    await socket.next((f) => f.type === "member" && f.room === room && f.event === "kicked");
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}`, { token: owner.token })).status, 404);
    const answer = await socket.request({ type: "send", room, content: "anyone?" });
    assert.equal(answer.type, "error");
    assert.ok((await auditActions()).some((e) => e.action === "room_delete" && e.target.id === room));
  });
});

describe("dashboard", () => {
  test("series come from the registry: connections and messages show up, as JSON and over SSE", async () => {
    const user = await registerUser(server.url, "metric");
    const room = await createRoom(server.url, user);
    const socket = await TestSocket.connect(server.wsUrl, user);
    await socket.join(room);
    for (let i = 0; i < 5; i++) assert.equal((await socket.request({ type: "send", room, content: `m${i}` })).type, "ack");
    let series: Series | undefined;
    await waitFor(
      async () => {
        series = (await as(admin).get<Series>("/api/admin/metrics")).body;
        const points = series.total;
        return points.some((p) => (p.messages_per_s ?? 0) > 0) && points.some((p) => (p.connections ?? 0) >= 1) && points.some((p) => p.send_ack_p99_ms !== null);
      },
      { what: "messages and connections in the series", timeoutMs: 5000 },
    );
    assert.equal(series!.interval_ms, 300);
    assert.equal(series!.instances.length, 1);
    const since = series!.total.at(-1)!.t as number;
    const later = await as(admin).get<Series>(`/api/admin/metrics?since=${since}`);
    assert.ok(later.body.total.every((p) => (p.t as number) > since), "since filters");

    const res = await fetch(`${server.url}/api/admin/metrics/stream`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(res.headers.get("x-accel-buffering"), "no");
    const reader = res.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    // The whole hour first, then at least one live interval.
    while ((text.match(/event: series\n/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    const events = text.split("\n\n").filter((e) => e.startsWith("event: series"));
    assert.ok(events.length >= 2, "a first event and a live one");
    const first = JSON.parse(events[0]!.split("\ndata: ")[1]!) as Series;
    assert.ok(first.total.length > 0);
    await socket.close();
  });
});
