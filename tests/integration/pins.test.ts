/**
 * Pins: moderators and above pin and unpin; the room hears `pinned` live; the audit log has
 * both; members get 403, another room's message is 404, readers list what is pinned.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import type { Pin } from "@/protocol/rest";
import { api, createRoom, registerUser, type TestSocket, type TestUser } from "../support/client";
import { connect, roomWithMembers, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let mod: TestUser;
let member: TestUser;
let room: string;
let ownerSocket: TestSocket;
let memberSocket: TestSocket;

before(async () => {
  server = await startServer();
  [owner, mod, member] = await users(server, ["owner", "mod", "member"]);
  room = await roomWithMembers(server, owner, [mod, member]);
  assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "role", user: mod.id, role: "moderator" } })).status, 200);
  ownerSocket = await connect(server, owner, { join: [room] });
  memberSocket = await connect(server, member, { join: [room] });
});
after(() => server.stop());

async function say(s: TestSocket, roomId: string, content: string, extra: Record<string, unknown> = {}): Promise<Message> {
  const ack = await s.request({ type: "send", id: randomUUID(), room: roomId, content, ...extra });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as { message: Message }).message;
}
type ErrorBody = { error?: { code: string } };
const pin = (user: TestUser, roomId: string, message: string) => api<Pin & ErrorBody>(server.url, "POST", `/api/rooms/${roomId}/pins`, { token: user.token, body: { message } });
const unpin = (user: TestUser, roomId: string, message: string) => api<ErrorBody>(server.url, "DELETE", `/api/rooms/${roomId}/pins/${message}`, { token: user.token });
const listPins = (user: TestUser, roomId: string) => api<{ pins: Pin[] } & ErrorBody>(server.url, "GET", `/api/rooms/${roomId}/pins`, { token: user.token });
const isPinned = (message: string, pinned: boolean) => (f: ServerFrame) => f.type === "pinned" && f.message === message && f.pinned === pinned;

describe("pins", () => {
  test("a moderator pins and unpins; the room hears it live; readers list it", async () => {
    const msg = await say(memberSocket, room, "the release checklist lives here");
    const from = memberSocket.frames.length;
    const res = await pin(mod, room, msg.id);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.message.id, msg.id);
    assert.equal(res.body.pinned_by?.id, mod.id);
    const frame = await memberSocket.next(isPinned(msg.id, true), { fromIndex: from });
    assert.deepEqual({ ...frame, at: undefined }, { type: "pinned", room, message: msg.id, pinned: true, by: mod.id, at: undefined });

    const outsider = await registerUser(server.url, "reader");
    const listed = await listPins(outsider, room);
    assert.equal(listed.status, 200, "anyone who may read the public room sees its pins");
    assert.deepEqual(
      listed.body.pins.map((p) => [p.message.id, p.message.content, p.pinned_by?.username]),
      [[msg.id, "the release checklist lives here", mod.username]],
    );

    assert.equal((await pin(mod, room, msg.id)).status, 201, "pinning again is harmless");
    const before = ownerSocket.frames.length;
    assert.equal((await unpin(mod, room, msg.id)).status, 204);
    await ownerSocket.next(isPinned(msg.id, false), { fromIndex: before });
    assert.deepEqual((await listPins(member, room)).body.pins, []);
    assert.equal((await unpin(mod, room, msg.id)).status, 404, "not pinned any more");
    assert.equal(ownerSocket.frames.slice(before).filter((f) => f.type === "pinned").length, 1, "one frame per change");
  });

  test("members get 403 on pin and unpin", async () => {
    const msg = await say(ownerSocket, room, "members may not pin this");
    const res = await pin(member, room, msg.id);
    assert.equal(res.status, 403);
    assert.equal(res.body.error?.code, "FORBIDDEN");
    assert.equal((await pin(owner, room, msg.id)).status, 201);
    assert.equal((await unpin(member, room, msg.id)).status, 403);
    assert.equal((await listPins(member, room)).body.pins.length >= 1, true);
    assert.equal((await unpin(owner, room, msg.id)).status, 204);
  });

  test("another room's message is 404; private messages and a private room stay private", async () => {
    const other = await createRoom(server.url, owner, "private");
    const otherSocket = await connect(server, owner, { join: [other] });
    const elsewhere = await say(otherSocket, other, "from another room");
    const res = await pin(owner, room, elsewhere.id);
    assert.equal(res.status, 404);
    assert.equal(res.body.error?.code, "NOT_FOUND");
    assert.equal((await pin(owner, room, randomUUID())).status, 404);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/pins`, { token: owner.token, body: { message: "nope" } })).status, 400);

    const whisper = await say(memberSocket, room, "psst", { to: owner.id });
    assert.equal((await pin(owner, room, whisper.id)).status, 400, "the pinned list is public to the room");

    assert.equal((await pin(owner, other, elsewhere.id)).status, 201);
    assert.equal((await listPins(member, other)).status, 403, "pins of a private room are for its readers");
    await otherSocket.close();
  });

  test("a deleted message leaves the pinned list", async () => {
    const msg = await say(memberSocket, room, "soon gone");
    assert.equal((await pin(owner, room, msg.id)).status, 201);
    const del = await memberSocket.request({ type: "delete", id: randomUUID(), room, message: msg.id });
    assert.equal(del.type, "ack");
    assert.ok(!(await listPins(owner, room)).body.pins.some((p) => p.message.id === msg.id));
    assert.equal((await pin(owner, room, msg.id)).status, 404, "a tombstone cannot be pinned");
  });

  test("pin and unpin are in the room's audit log", async () => {
    const msg = await say(memberSocket, room, "audited pin");
    assert.equal((await pin(mod, room, msg.id)).status, 201);
    assert.equal((await unpin(mod, room, msg.id)).status, 204);
    const audit = await api<{ entries: Array<{ action: string; actor: { id: string }; target: { id: string }; details: { message: string } }> }>(
      server.url,
      "GET",
      `/api/rooms/${room}/audit`,
      { token: owner.token },
    );
    const mine = audit.body.entries.filter((e) => e.details?.message === msg.id).map((e) => [e.action, e.actor.id, e.target.id]);
    assert.deepEqual(mine, [
      ["unpin", mod.id, member.id],
      ["pin", mod.id, member.id],
    ]);
  });
});

describe("pin cap", () => {
  test("a room holds at most 50 pins; a deleted pinned message frees its place", async () => {
    const capped = await createRoom(server.url, owner, "public");
    const s = await connect(server, owner, { join: [capped] });
    const ids: string[] = [];
    for (let i = 0; i < 51; i++) ids.push((await say(s, capped, `pin candidate ${i}`)).id);
    for (const id of ids.slice(0, 50)) assert.equal((await pin(owner, capped, id)).status, 201);
    const over = await pin(owner, capped, ids[50]!);
    assert.equal(over.status, 403);
    assert.equal(over.body.error?.code, "FORBIDDEN");
    const del = await s.request({ type: "delete", id: randomUUID(), room: capped, message: ids[0] });
    assert.equal(del.type, "ack");
    assert.equal((await pin(owner, capped, ids[50]!)).status, 201);
    assert.equal((await listPins(owner, capped)).body.pins.length, 50);
    await s.close();
  });
});
