/**
 * Mentions: the server resolves `@name`, `@here` and `@room` against the room's members when a
 * message is stored (and again on edit), refuses `@room` from members or where it is turned
 * off, and counts unread mentions in the room summaries.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import type { MembersPage, RoomSummary } from "@/protocol/rest";
import { api, waitFor, type TestSocket, type TestUser } from "../support/client";
import { connect as connectTo, roomWithMembers as roomOf, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

before(async () => {
  server = await startServer();
  [owner, alice, bob, carol] = await users(server, ["owner", "alice", "bob", "carol"]);
});
after(() => server.stop());

const connect = (user: TestUser) => connectTo(server, user);

async function send(socket: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}): Promise<ServerFrame> {
  return socket.request({ type: "send", id: randomUUID(), room, content, ...extra });
}
function acked(frame: ServerFrame): Message {
  if (frame.type !== "ack") throw new Error(`expected an ack, got ${JSON.stringify(frame)}`);
  return frame.message;
}
const sorted = (ids: string[]) => [...ids].sort();
const history = async (room: string, user: TestUser) =>
  (await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: user.token })).body.messages;
const mine = async (user: TestUser) => (await api<{ rooms: RoomSummary[] }>(server.url, "GET", "/api/rooms?scope=mine", { token: user.token })).body.rooms;

/** Presence is recorded just after `ready`: wait until the server's store has the user online. */
async function waitUntilOnline(room: string, user: TestUser) {
  await waitFor(
    async () => {
      const page = await api<MembersPage>(server.url, "GET", `/api/rooms/${room}/members`, { token: owner.token });
      return page.body.members.some((m) => m.id === user.id && m.status === "online");
    },
    { what: `${user.username} online` },
  );
}

/** A room owned by `owner` with alice and bob as members (carol stays outside). */
const roomWithMembers = () => roomOf(server, owner, [alice, bob]);

describe("mention resolution", () => {
  test("@name mentions members only: outsiders, unknown names, the sender and e-mail addresses are ignored", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    await o.join(room);
    const message = acked(
      await send(o, room, `hi @${alice.username}, @${bob.username.toUpperCase()}. and @${carol.username} @nobody_here @${owner.username} x@${alice.username}`),
    );
    assert.deepEqual(message.mentions, sorted([alice.id, bob.id]));
    const plain = acked(await send(o, room, "no mentions here, mail me at owner@example.com"));
    assert.deepEqual(plain.mentions, [], "always present, empty when none");
    const stored = await history(room, alice);
    assert.deepEqual(stored.find((m) => m.id === message.id)?.mentions, sorted([alice.id, bob.id]), "history carries what was resolved");
  });

  test("the room's sockets receive the resolved mentions with the message", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    const a = await connect(alice);
    await o.join(room);
    await a.join(room);
    const sent = acked(await send(o, room, `@${alice.username} look`));
    const received = (await a.next((f) => f.type === "message" && f.message.id === sent.id)) as Extract<ServerFrame, { type: "message" }>;
    assert.deepEqual(received.message.mentions, [alice.id]);
  });

  test("a private `to` message mentions only its recipient", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    await o.join(room);
    const both = acked(await send(o, room, `@${alice.username} @${bob.username} between us`, { to: alice.id }));
    assert.deepEqual(both.mentions, [alice.id]);
    const other = acked(await send(o, room, `@${bob.username} is not reading this`, { to: alice.id }));
    assert.deepEqual(other.mentions, [], "naming someone else in a private message mentions nobody");
    const everyone = acked(await send(o, room, "@room private", { to: bob.id }));
    assert.deepEqual(everyone.mentions, [bob.id]);
  });

  test("@here mentions the members online now, not those offline", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    const a = await connect(alice);
    await o.join(room);
    await a.join(room);
    await waitUntilOnline(room, alice);
    // bob is a member without a socket: offline.
    const message = acked(await send(o, room, "@here standup in 5"));
    assert.deepEqual(message.mentions, [alice.id]);
    const b = await connect(bob);
    await waitUntilOnline(room, bob);
    const again = acked(await send(o, room, "@here second call"));
    assert.deepEqual(again.mentions, sorted([alice.id, bob.id]), "bob is online once his socket is");
    await b.close();
  });

  test("@room by a moderator mentions every member; by a member it is FORBIDDEN and nothing is stored", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    const a = await connect(alice);
    const b = await connect(bob);
    await o.join(room);
    await a.join(room);
    await b.join(room);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "role", user: bob.id, role: "moderator" } })).status, 200);
    await b.next((f) => f.type === "member" && f.event === "role" && f.user.id === bob.id);
    const byModerator = acked(await send(b, room, "@room release is out"));
    assert.deepEqual(byModerator.mentions, sorted([owner.id, alice.id]));

    const before = await history(room, owner);
    const refused = await send(a, room, "@room buy my stuff");
    assert.equal(refused.type, "error");
    assert.equal(refused.type === "error" && refused.code, "FORBIDDEN");
    const afterRefusal = await history(room, owner);
    assert.equal(afterRefusal.length, before.length, "nothing stored");
    assert.equal(afterRefusal.at(-1)?.seq, before.at(-1)?.seq);
  });

  test("@room is FORBIDDEN, even for the owner, once the room setting turns it off", async () => {
    const room = await roomWithMembers();
    const patched = await api<{ settings: Record<string, unknown> }>(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { room_mentions: false } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.settings.room_mentions, false);
    const o = await connect(owner);
    await o.join(room);
    const refused = await send(o, room, "@room hello everyone");
    assert.equal(refused.type === "error" && refused.code, "FORBIDDEN");
    assert.deepEqual(acked(await send(o, room, `@${alice.username} still works`)).mentions, [alice.id]);
    const invalid = await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { room_mentions: "no" } });
    assert.equal(invalid.status, 400);
  });

  test("an edit re-resolves mentions and the room hears the new list", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    const a = await connect(alice);
    await o.join(room);
    await a.join(room);
    const sent = acked(await send(o, room, `hey @${alice.username}`));
    assert.deepEqual(sent.mentions, [alice.id]);
    const edited = await o.request({ type: "edit", id: randomUUID(), room, message: sent.id, content: `hey @${bob.username}` });
    assert.deepEqual(acked(edited).mentions, [bob.id]);
    const update = (await a.next((f) => f.type === "message_updated" && f.message.id === sent.id)) as Extract<ServerFrame, { type: "message_updated" }>;
    assert.deepEqual(update.message.mentions, [bob.id]);
    const cleared = await o.request({ type: "edit", id: randomUUID(), room, message: sent.id, content: "never mind" });
    assert.deepEqual(acked(cleared).mentions, []);
    const aSent = acked(await send(a, room, "plain"));
    const sneaky = await a.request({ type: "edit", id: randomUUID(), room, message: aSent.id, content: "@room now" });
    assert.equal(sneaky.type === "error" && sneaky.code, "FORBIDDEN", "an edit cannot add @room where the send could not");
  });
});

describe("mention counts in room summaries", () => {
  test("mine rows count unread mentions; reading resets them; watch and room_activity carry them", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    await o.join(room);
    acked(await send(o, room, `@${alice.username} one`));
    acked(await send(o, room, "not for anyone"));
    const last = acked(await send(o, room, `two for @${alice.username}`));
    acked(await send(o, room, `@${bob.username} only`, { to: bob.id }));

    const row = (await mine(alice)).find((r) => r.id === room)!;
    assert.equal(row.unread, 3);
    assert.equal(row.mentions, 2);
    assert.equal((await mine(bob)).find((r) => r.id === room)?.mentions, 1);
    assert.equal((await mine(owner)).find((r) => r.id === room)?.mentions, 0, "own mentions of others never count");

    const a = await connect(alice);
    const unread = await a.request({ type: "watch", rooms: [room] });
    assert.equal(unread.type === "unread" && unread.rooms[0]?.mentions, 2);
    const from = a.frames.length;
    const live = acked(await send(o, room, `three @${alice.username}`));
    const activity = await a.next((f) => f.type === "room_activity" && f.seq === live.seq, { fromIndex: from });
    assert.equal(activity.type === "room_activity" && activity.mention, true);
    const quiet = acked(await send(o, room, "no one"));
    const plain = await a.next((f) => f.type === "room_activity" && f.seq === quiet.seq, { fromIndex: from });
    assert.equal(plain.type === "room_activity" && plain.mention, undefined);

    await a.join(room);
    a.send({ type: "read", room, seq: last.seq });
    await waitFor(async () => (await mine(alice)).find((r) => r.id === room)?.mentions === 1, { what: "mentions up to the read cursor cleared" });
    a.send({ type: "read", room, seq: quiet.seq });
    await waitFor(async () => (await mine(alice)).find((r) => r.id === room)?.mentions === 0, { what: "all mentions read" });
  });

  test("a deleted message's mention no longer counts", async () => {
    const room = await roomWithMembers();
    const o = await connect(owner);
    await o.join(room);
    const sent = acked(await send(o, room, `@${alice.username} oops`));
    assert.equal((await mine(alice)).find((r) => r.id === room)?.mentions, 1);
    const deleted = await o.request({ type: "delete", id: randomUUID(), room, message: sent.id });
    assert.deepEqual(acked(deleted).mentions, []);
    assert.equal((await mine(alice)).find((r) => r.id === room)?.mentions, 0);
  });
});
