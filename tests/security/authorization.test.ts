/**
 * The authorization matrix: every moderation action and settings change attempted by each
 * role — plus a site admin who is not a member, a muted member and a disabled user — over REST
 * and (for posting, editing, reacting and typing) the socket. Only the allowed cells succeed;
 * every refused attempt is checked to have changed nothing.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

const ROLES = ["owner", "admin", "moderator", "member", "guest", "outsider", "banned", "siteadmin", "muted", "disabled"] as const;
type Role = (typeof ROLES)[number];
/** A site admin (not a member of the room) may do whatever the owner may, except act on the owner. */
const mayAct = (allowed: readonly Role[], role: Role) => allowed.includes(role) || (role === "siteadmin" && allowed.includes("owner"));

let server: TestServer;
let room: string;
const actors = {} as Record<Role, TestUser>;
let siteAdmin: TestUser;

type Detail = { topic: string; members: Array<{ id: string; role: string; muted_until: string | null }> };
const detail = async () => (await api<Detail>(server.url, "GET", `/api/rooms/${room}`, { token: actors.owner.token })).body;
const memberOf = async (user: TestUser) => (await detail()).members.find((m) => m.id === user.id);
const moderate = (by: TestUser, body: Record<string, unknown>) => api<{ error?: { code: string } }>(server.url, "POST", `/api/rooms/${room}/moderation`, { token: by.token, body });

async function invite(role = "member") {
  const res = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: actors.owner.token, body: { role } });
  assert.equal(res.status, 201);
  return res.body.token;
}

/** A fresh member of the room (so each allowed cell has its own target). */
async function newMember(role = "member"): Promise<TestUser> {
  const user = await registerUser(server.url, "victim");
  const accepted = await api(server.url, "POST", `/api/invites/${await invite(role)}/accept`, { token: user.token });
  assert.equal(accepted.status, 200);
  return user;
}

before(async () => {
  server = await startServer({ SITE_ADMINS: "secondadmin" });
  // The first user of a site is its administrator; keep that out of the matrix.
  siteAdmin = await registerUser(server.url, "siteadmin");
  actors.owner = await registerUser(server.url, "owner");
  room = await createRoom(server.url, actors.owner, "private");
  for (const role of ["admin", "moderator", "member", "guest"] as const) {
    actors[role] = await newMember(role === "admin" || role === "moderator" ? "member" : role);
    if (role === "admin" || role === "moderator") assert.equal((await moderate(actors.owner, { action: "role", user: actors[role].id, role })).status, 200);
  }
  actors.outsider = await registerUser(server.url, "outsider");
  actors.banned = await newMember();
  assert.equal((await moderate(actors.owner, { action: "ban", user: actors.banned.id })).status, 200);
  actors.siteadmin = siteAdmin;
  actors.muted = await newMember();
  assert.equal((await moderate(actors.owner, { action: "mute", user: actors.muted.id, duration_s: 3600, reason: "matrix" })).status, 200);
  actors.disabled = await newMember();
  const disabled = await api(server.url, "PATCH", `/api/admin/users/${actors.disabled.id}`, { token: siteAdmin.token, body: { disabled: true } });
  assert.equal(disabled.status, 200);
  const roles = Object.fromEntries((await detail()).members.map((m) => [m.id, m.role]));
  for (const role of ["owner", "admin", "moderator", "member", "guest"] as const) assert.equal(roles[actors[role].id], role);
});
after(() => server.stop());

type Cell = { allowed: readonly Role[]; attempt: (actor: TestUser) => Promise<number>; changed: () => Promise<boolean> };

/** Each row prepares a fresh target, attempts the action as `actor`, and reports whether state changed. */
const MATRIX: Record<string, () => Promise<Cell>> = {
  "settings (PATCH topic)": async () => {
    const topic = `topic-${randomUUID()}`;
    return {
      allowed: ["owner", "admin"],
      attempt: async (a) => (await api(server.url, "PATCH", `/api/rooms/${room}`, { token: a.token, body: { topic } })).status,
      changed: async () => (await detail()).topic === topic,
    };
  },
  "settings (slow mode)": async () => {
    const slow = 1 + Math.floor(Math.random() * 1000);
    return {
      allowed: ["owner", "admin"],
      attempt: async (a) => (await api(server.url, "PATCH", `/api/rooms/${room}`, { token: a.token, body: { slow_mode_s: slow } })).status,
      changed: async () => (await api<{ settings: { slow_mode_s?: number } }>(server.url, "GET", `/api/rooms/${room}`, { token: actors.owner.token })).body.settings.slow_mode_s === slow,
    };
  },
  "create invite": async () => {
    const count = async () => (await api<{ invites: unknown[] }>(server.url, "GET", `/api/rooms/${room}/invites`, { token: actors.owner.token })).body.invites.length;
    const before = await count();
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await api(server.url, "POST", `/api/rooms/${room}/invites`, { token: a.token, body: { role: "guest" } })).status,
      changed: async () => (await count()) !== before,
    };
  },
  mute: async () => {
    const victim = await newMember();
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "mute", user: victim.id, duration_s: 600, reason: "matrix" })).status,
      changed: async () => Boolean((await memberOf(victim))?.muted_until),
    };
  },
  unmute: async () => {
    const victim = await newMember();
    await moderate(actors.owner, { action: "mute", user: victim.id, duration_s: 600 });
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "unmute", user: victim.id })).status,
      changed: async () => !(await memberOf(victim))?.muted_until,
    };
  },
  kick: async () => {
    const victim = await newMember();
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "kick", user: victim.id })).status,
      changed: async () => (await memberOf(victim)) === undefined,
    };
  },
  ban: async () => {
    const victim = await newMember();
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "ban", user: victim.id })).status,
      changed: async () => (await memberOf(victim)) === undefined,
    };
  },
  unban: async () => {
    const victim = await newMember();
    await moderate(actors.owner, { action: "ban", user: victim.id });
    const bans = async () => (await api<{ bans: Array<{ id: string }> }>(server.url, "GET", `/api/rooms/${room}/bans`, { token: actors.owner.token })).body.bans;
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "unban", user: victim.id })).status,
      changed: async () => !(await bans()).some((b) => b.id === victim.id),
    };
  },
  "role (member → guest)": async () => {
    const victim = await newMember();
    return {
      allowed: ["owner", "admin"],
      attempt: async (a) => (await moderate(a, { action: "role", user: victim.id, role: "guest" })).status,
      changed: async () => (await memberOf(victim))?.role === "guest",
    };
  },
  "delete any message": async () => {
    const author = await newMember();
    const s = await TestSocket.connect(server.wsUrl, author);
    await s.join(room);
    const ack = await s.request({ type: "send", id: randomUUID(), room, content: "delete me" });
    await s.close();
    assert.equal(ack.type, "ack");
    const id = ack.type === "ack" ? ack.message.id : "";
    return {
      allowed: ["owner", "admin", "moderator"],
      attempt: async (a) => (await moderate(a, { action: "delete_message", message: id })).status,
      changed: async () => {
        const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=200`, { token: actors.owner.token });
        return history.body.messages.find((m) => m.id === id)?.deleted === true;
      },
    };
  },
  "start an export": async () => {
    const list = async () =>
      (await api<{ exports: Array<{ id: string; status: string }> }>(server.url, "GET", `/api/rooms/${room}/exports`, { token: actors.owner.token })).body.exports;
    // A click while an export runs answers that export: let the previous cell's finish first.
    await waitFor(async () => !(await list()).some((e) => e.status === "queued" || e.status === "running"), { timeoutMs: 15_000, what: "earlier exports to finish" });
    const before = new Set((await list()).map((e) => e.id));
    return {
      allowed: ["owner", "admin"],
      attempt: async (a) => (await api(server.url, "POST", `/api/rooms/${room}/exports`, { token: a.token })).status,
      changed: async () => (await list()).some((e) => !before.has(e.id)),
    };
  },
  "read the audit log": async () => ({
    allowed: ["owner", "admin"],
    attempt: async (a) => (await api(server.url, "GET", `/api/rooms/${room}/audit`, { token: a.token })).status,
    changed: async () => false,
  }),
};

describe("authorization matrix (REST)", () => {
  for (const [action, prepare] of Object.entries(MATRIX)) {
    test(action, async () => {
      for (const role of ROLES) {
        const cell = await prepare();
        const status = await cell.attempt(actors[role]);
        const allowed = mayAct(cell.allowed, role);
        if (allowed) {
          assert.ok([200, 201, 202, 204].includes(status), `${role} should be allowed to ${action}, got ${status}`);
          if (action !== "read the audit log") assert.equal(await cell.changed(), true, `${role}: ${action} took effect`);
        } else {
          // A disabled user's token no longer authenticates at all.
          assert.equal(status, role === "disabled" ? 401 : 403, `${role} must be refused ${action}`);
          assert.equal(await cell.changed(), false, `${role}: refused ${action} changed nothing`);
        }
      }
    });
  }

  test("nobody acts on a peer or a superior, nor promotes to their own rank", async () => {
    const admin2 = await newMember();
    await moderate(actors.owner, { action: "role", user: admin2.id, role: "admin" });
    const mod2 = await newMember();
    await moderate(actors.owner, { action: "role", user: mod2.id, role: "moderator" });
    const victim = await newMember();
    const refused: Array<[TestUser, Record<string, unknown>]> = [
      [actors.moderator, { action: "ban", user: actors.admin.id }],
      [actors.moderator, { action: "mute", user: mod2.id }],
      [actors.admin, { action: "kick", user: admin2.id }],
      [actors.admin, { action: "ban", user: actors.owner.id }],
      [actors.admin, { action: "role", user: victim.id, role: "admin" }],
      [actors.moderator, { action: "role", user: victim.id, role: "guest" }],
      [actors.owner, { action: "kick", user: actors.owner.id }],
      [actors.owner, { action: "role", user: victim.id, role: "owner" }],
    ];
    for (const [by, body] of refused) {
      const res = await moderate(by, body);
      assert.ok(res.status === 403 || res.status === 400, `${JSON.stringify(body)} must be refused, got ${res.status}`);
    }
    const roles = Object.fromEntries((await detail()).members.map((m) => [m.id, m.role]));
    assert.deepEqual(
      [roles[actors.admin.id], roles[mod2.id], roles[admin2.id], roles[actors.owner.id], roles[victim.id]],
      ["admin", "moderator", "admin", "owner", "member"],
    );
  });

  test("room admins and moderators cannot mute, kick, ban or demote a site admin; the owner can", async () => {
    const name = "secondadmin";
    assert.equal((await api(server.url, "POST", "/api/register", { body: { username: name, password: "correct horse battery" } })).status, 201);
    const token = (await api<{ token: string }>(server.url, "POST", "/api/token", { body: { username: name, password: "correct horse battery" } })).body.token;
    const me = await api<{ id: string }>(server.url, "GET", "/api/me", { token });
    const target = me.body.id;
    // Not a member yet: a pre-emptive ban is refused too.
    assert.equal((await moderate(actors.moderator, { action: "ban", user: target })).status, 403, "moderator bans an outsider site admin");
    assert.equal((await api(server.url, "POST", `/api/invites/${await invite()}/accept`, { token })).status, 200);
    for (const by of ["admin", "moderator"] as const) {
      for (const body of [
        { action: "mute", user: target, duration_s: 60 },
        { action: "kick", user: target },
        { action: "ban", user: target },
        { action: "role", user: target, role: "guest" },
      ]) {
        assert.equal((await moderate(actors[by], body)).status, 403, `${by}: ${body.action} a site admin`);
      }
    }
    const member = await memberOf({ id: target } as TestUser);
    assert.deepEqual([member?.role, member?.muted_until ?? null], ["member", null], "the site admin is untouched");
    assert.equal((await moderate(actors.owner, { action: "mute", user: target, duration_s: 60 })).status, 200, "the owner outranks a site admin");
    assert.equal((await moderate(actors.owner, { action: "kick", user: target })).status, 200);
  });

  test("the site administrator outranks everyone but the owner", async () => {
    const token = siteAdmin.token;
    const victim = await newMember();
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token, body: { action: "kick", user: victim.id } })).status, 200);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token, body: { action: "ban", user: actors.owner.id } })).status, 403);
    assert.equal((await api(server.url, "GET", "/api/admin/activity", { token })).status, 200);
    assert.equal((await api(server.url, "GET", "/api/admin/activity", { token: actors.owner.token })).status, 403);
  });
});

describe("authorization matrix (socket)", () => {
  test("posting: members and above; guests, outsiders and the banned are refused", async () => {
    const expectations: Record<Role, string> = {
      owner: "ack",
      admin: "ack",
      moderator: "ack",
      member: "ack",
      guest: "FORBIDDEN",
      outsider: "FORBIDDEN",
      banned: "FORBIDDEN",
      siteadmin: "FORBIDDEN",
      muted: "FORBIDDEN",
      disabled: "UNAUTHENTICATED",
    };
    for (const role of ROLES) {
      if (role === "disabled") {
        const s = await TestSocket.open(server.wsUrl, { token: actors[role].token });
        assert.equal(await s.closed, 4001, "a disabled user's token is refused on the socket");
        continue;
      }
      const s = await TestSocket.connect(server.wsUrl, actors[role]);
      const join = await s.request({ type: "join", room });
      if (join.type === "error") {
        assert.equal(join.code, expectations[role], `${role} join`);
        const send = await s.request({ type: "send", id: randomUUID(), room, content: `from ${role}` });
        assert.equal(send.type === "error" && send.code, "NOT_IN_ROOM");
      } else {
        const send = await s.request({ type: "send", id: randomUUID(), room, content: `from ${role}` });
        assert.equal(send.type === "ack" ? "ack" : send.type === "error" && send.code, expectations[role], `${role} send`);
      }
      await s.close();
    }
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=200`, { token: actors.owner.token });
    const posted = new Set(history.body.messages.map((m) => m.content));
    for (const role of ROLES) assert.equal(posted.has(`from ${role}`), expectations[role] === "ack", role);
    for (const role of ["outsider", "banned"] as const) {
      assert.equal((await api(server.url, "GET", `/api/rooms/${room}/messages`, { token: actors[role].token })).status, 403, `${role} reads no history`);
    }
    assert.equal((await api(server.url, "GET", `/api/rooms/${room}/messages`, { token: actors.muted.token })).status, 200, "muted members still read");
    assert.equal((await api(server.url, "GET", "/api/me", { token: actors.disabled.token })).status, 401, "a disabled user's token is refused over REST");
  });

  test("muted members read, mark read, delete their own messages and leave; they do not send, edit, react or type", async () => {
    const victim = await newMember();
    const owner = await TestSocket.connect(server.wsUrl, actors.owner);
    await owner.join(room);
    const s = await TestSocket.connect(server.wsUrl, victim);
    await s.join(room);
    const own = await s.request({ type: "send", room, content: "before the mute" });
    assert.equal(own.type, "ack");
    const ownId = own.type === "ack" ? own.message.id : "";
    const other = await owner.request({ type: "send", room, content: "react to me" });
    const otherId = other.type === "ack" ? other.message.id : "";
    assert.equal((await moderate(actors.owner, { action: "mute", user: victim.id, duration_s: 600, reason: "quiet" })).status, 200);

    const code = (f: Awaited<ReturnType<TestSocket["request"]>>) => (f.type === "error" ? f.code : f.type);
    assert.equal(code(await s.request({ type: "send", room, content: "while muted" })), "FORBIDDEN", "send");
    assert.equal(code(await s.request({ type: "edit", room, message: ownId, content: "edited while muted" })), "FORBIDDEN", "edit");
    assert.equal(code(await s.request({ type: "react", room, message: otherId, emoji: "👍", op: "add" })), "FORBIDDEN", "react");
    assert.equal(code(await s.request({ type: "typing", room, state: "start" })), "FORBIDDEN", "typing start");
    // Frames without an answer: no error may arrive before the pong that follows them.
    const from = s.frames.length;
    s.send({ type: "typing", room, state: "stop" });
    s.send({ type: "read", room, seq: 1 });
    s.send({ type: "delivered", room, seq: 1 });
    await s.request({ type: "ping" });
    assert.deepEqual(s.frames.slice(from).filter((f) => f.type === "error"), [], "typing stop, read and delivered are allowed");
    assert.equal(code(await s.request({ type: "delete", room, message: ownId })), "ack", "delete own");

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=200`, { token: victim.token });
    assert.equal(history.status, 200);
    assert.equal(history.body.messages.some((m) => m.content === "while muted" || m.content === "edited while muted"), false);
    assert.equal(history.body.messages.find((m) => m.id === otherId)?.reactions?.length ?? 0, 0);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/leave`, { token: victim.token })).status < 300, true, "leave");
    await Promise.all([s.close(), owner.close()]);
  });

  test("guests react but do not post, unless the room lets guests post", async () => {
    const s = await TestSocket.connect(server.wsUrl, actors.guest);
    await s.join(room);
    const owner = await TestSocket.connect(server.wsUrl, actors.owner);
    await owner.join(room);
    const target = await owner.request({ type: "send", id: randomUUID(), room, content: "react here" });
    const id = target.type === "ack" ? target.message.id : "";
    assert.equal((await s.request({ type: "react", room, message: id, emoji: "👍", op: "add" })).type, "ack");
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: actors.owner.token, body: { guests_can_post: true, slow_mode_s: 0 } })).status, 200);
    assert.equal((await s.request({ type: "send", id: randomUUID(), room, content: "guest speaks" })).type, "ack");
    await Promise.all([s.close(), owner.close()]);
  });
});
