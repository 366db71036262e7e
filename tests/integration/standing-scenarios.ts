/**
 * Standing changes apply to the very next frame: the socket's instance caches rooms and
 * memberships (server/chat/standing.ts), and these scenarios prove each change reaches that
 * cache. `act` is where moderators act over REST; `on` is where the affected user's socket and
 * REST calls go (the same server in tests/integration, another instance in tests/distributed).
 * Every scenario first warms the cache with the user's frames, so a stale entry would show.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import type { TestServer } from "../support/server";

type Servers = () => { act: TestServer; on: TestServer };

/** Sends a frame that has no answer on success, then a ping: the frame's error, if any, comes first. */
async function outcome(socket: TestSocket, frame: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const from = socket.frames.length;
  socket.send({ ...frame, id });
  await socket.request({ type: "ping" });
  const error = socket.frames.slice(from).find((f) => f.type === "error" && f.ref === id);
  return error?.type === "error" ? error.code : "ok";
}

const sendCode = async (socket: TestSocket, room: string) => {
  const answer = await socket.request({ type: "send", id: randomUUID(), room, content: "hello" });
  return answer.type === "error" ? answer.code : answer.type;
};

const memberEvent = (room: string, user: TestUser, event: string) => (f: ServerFrame) => f.type === "member" && f.room === room && f.user.id === user.id && f.event === event;

export function standingScenarios(servers: Servers, sockets: TestSocket[]): void {
  async function setup() {
    const { act, on } = servers();
    const [owner, member] = await Promise.all([registerUser(act.url, "owner"), registerUser(on.url, "member")]);
    const room = await createRoom(act.url, owner);
    const socket = await TestSocket.connect(on.wsUrl, member);
    sockets.push(socket);
    await socket.join(room);
    const moderate = (body: Record<string, unknown>, by = owner, server = act) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: by.token, body });
    return { act, on, owner, member, room, socket, moderate };
  }

  test("a settings change applies to the next frame", async () => {
    const { act, owner, room, socket } = await setup();
    assert.equal(await outcome(socket, { type: "typing", room, state: "start" }), "ok");
    const patch = (typing_indicators: boolean) => api(act.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { typing_indicators } });
    const from = socket.frames.length;
    assert.equal((await patch(false)).status, 200);
    await socket.next((f) => f.type === "room_updated" && f.room === room, { fromIndex: from });
    assert.equal(await outcome(socket, { type: "typing", room, state: "start" }), "FORBIDDEN");
    const again = socket.frames.length;
    assert.equal((await patch(true)).status, 200);
    await socket.next((f) => f.type === "room_updated" && f.room === room, { fromIndex: again });
    assert.equal(await outcome(socket, { type: "typing", room, state: "start" }), "ok");
  });

  test("an unmute and a mute apply to the next send", async () => {
    const { act, on } = servers();
    const [owner, member] = await Promise.all([registerUser(act.url, "owner"), registerUser(on.url, "member")]);
    const room = await createRoom(act.url, owner, "private");
    const invite = await api<{ token: string }>(act.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body: {} });
    assert.equal((await api(act.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: member.token })).status, 200);
    const moderate = (body: Record<string, unknown>) => api(act.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });
    // Muted before the socket's first frame, so `on` caches the muted membership: only the
    // unmute event can make the next send pass the check that runs before the commit.
    assert.equal((await moderate({ action: "mute", user: member.id })).status, 200);
    const socket = await TestSocket.connect(on.wsUrl, member);
    sockets.push(socket);
    await socket.join(room);
    assert.equal(await sendCode(socket, room), "FORBIDDEN");
    let from = socket.frames.length;
    assert.equal((await moderate({ action: "unmute", user: member.id })).status, 200);
    await socket.next(memberEvent(room, member, "unmuted"), { fromIndex: from });
    assert.equal(await sendCode(socket, room), "ack");
    from = socket.frames.length;
    assert.equal((await moderate({ action: "mute", user: member.id })).status, 200);
    await socket.next(memberEvent(room, member, "muted"), { fromIndex: from });
    assert.equal(await sendCode(socket, room), "FORBIDDEN");
  });

  test("a role change applies to the next action", async () => {
    const { on, member, room, socket, moderate } = await setup();
    const third = await registerUser(on.url, "third");
    const thirdSocket = await TestSocket.connect(on.wsUrl, third);
    sockets.push(thirdSocket);
    await thirdSocket.join(room);
    // As a plain member, moderating is refused (and the member's standing is now cached on `on`).
    assert.equal((await moderate({ action: "mute", user: third.id }, member, on)).status, 403);
    let from = socket.frames.length;
    assert.equal((await moderate({ action: "role", user: member.id, role: "moderator" })).status, 200);
    await socket.next(memberEvent(room, member, "role"), { fromIndex: from });
    assert.equal((await moderate({ action: "mute", user: third.id }, member, on)).status, 200);
    from = socket.frames.length;
    assert.equal((await moderate({ action: "role", user: member.id, role: "member" })).status, 200);
    await socket.next(memberEvent(room, member, "role"), { fromIndex: from });
    assert.equal((await moderate({ action: "unmute", user: third.id }, member, on)).status, 403);
  });

  test("a ban applies to the next request, while the room stays cached for others", async () => {
    const { on, member, room, socket, moderate } = await setup();
    const bystander = await registerUser(on.url, "bystander");
    const watcher = await TestSocket.connect(on.wsUrl, bystander);
    sockets.push(watcher);
    await watcher.join(room);
    assert.equal(await sendCode(socket, room), "ack");
    assert.equal((await api(on.url, "GET", `/api/rooms/${room}/messages`, { token: member.token })).status, 200);
    const from = watcher.frames.length;
    assert.equal((await moderate({ action: "ban", user: member.id })).status, 200);
    await watcher.next(memberEvent(room, member, "banned"), { fromIndex: from });
    assert.equal((await api(on.url, "GET", `/api/rooms/${room}/messages`, { token: member.token })).status, 403);
    const rejoin = await socket.request({ type: "join", room });
    assert.equal(rejoin.type === "error" && rejoin.code, "FORBIDDEN");
    assert.equal(await sendCode(watcher, room), "ack", "the room itself still works for its members");
  });
}
