/**
 * Group DMs: POST /api/dms {"users": [...]} opens the one conversation of a set of people
 * (order independent); the one-user form is unchanged; blocking applies per pair.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import type { RoomDetail } from "@/protocol/rest";
import { api, type TestUser } from "../support/client";
import { connect as connectTo, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(() => server.stop());

type Answer = RoomDetail & { error?: { code: string; message: string } };
const openDm = (user: TestUser, body: Record<string, unknown>) => api<Answer>(server.url, "POST", "/api/dms", { token: user.token, body });
const people = (n: number, prefix = "p") => users(server, Array.from({ length: n }, () => prefix));
const connect = (user: TestUser) => connectTo(server, user);

describe("group DMs", () => {
  test("the same set of people gets the same conversation, in any order, from any of them", async () => {
    const [a, b, c, d] = await people(4);
    const first = await openDm(a!, { users: [b!.id, c!.id, d!.id] });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.visibility, "direct");
    assert.deepEqual(first.body.members.map((m) => m.id).sort(), [a!.id, b!.id, c!.id, d!.id].sort());
    const again = await openDm(a!, { users: [d!.id, b!.id, c!.id] });
    assert.equal(again.body.id, first.body.id);
    const fromC = await openDm(c!, { users: [a!.id, d!.id, b!.id] });
    assert.equal(fromC.body.id, first.body.id, "the set, not the opener, names the conversation");
    const smaller = await openDm(a!, { users: [b!.id, c!.id] });
    assert.notEqual(smaller.body.id, first.body.id, "another set is another conversation");
  });

  test("everyone in it gets the room and its messages; outsiders cannot read it", async () => {
    const [a, b, c, outsider] = await people(4, "g");
    const dm = await openDm(a!, { users: [b!.id, c!.id] });
    const [sa, sc] = [await connect(a!), await connect(c!)];
    await sa.join(dm.body.id);
    await sc.join(dm.body.id);
    const ack = await sa.request({ type: "send", id: randomUUID(), room: dm.body.id, content: "hello both" });
    assert.equal(ack.type, "ack");
    await sc.next((f: ServerFrame) => f.type === "message" && f.message.content === "hello both");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${dm.body.id}/messages`, { token: b!.token });
    assert.ok(history.body.messages.some((m) => m.content === "hello both"));
    assert.equal((await api(server.url, "GET", `/api/rooms/${dm.body.id}/messages`, { token: outsider!.token })).status, 403);
    const mine = await api<{ rooms: Array<{ id: string }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: c!.token });
    assert.ok(mine.body.rooms.some((r) => r.id === dm.body.id), "listed among the rooms of every participant");
  });

  test("the one-user form is unchanged and is the same room as users with one person", async () => {
    const [a, b] = await people(2, "one");
    const classic = await openDm(a!, { user: b!.id });
    assert.equal(classic.status, 200);
    assert.equal(classic.body.members.length, 2);
    assert.equal((await openDm(b!, { users: [a!.id] })).body.id, classic.body.id);
  });

  test("sizes, duplicates and yourself are refused as INVALID; unknown people as NOT_FOUND", async () => {
    const [a, ...rest] = await people(10, "size");
    const nine = await openDm(a!, { users: rest.map((u) => u.id) });
    assert.equal(nine.status, 400, "at most 8 others");
    assert.equal(nine.body.error?.code, "INVALID");
    const eight = await openDm(a!, { users: rest.slice(0, 8).map((u) => u.id) });
    assert.equal(eight.status, 200);
    assert.equal(eight.body.members.length, 9);
    assert.equal((await openDm(a!, { users: [] })).status, 400);
    assert.equal((await openDm(a!, { users: [rest[0]!.id, rest[0]!.id] })).status, 400);
    assert.equal((await openDm(a!, { users: [a!.id, rest[0]!.id] })).status, 400);
    assert.equal((await openDm(a!, { users: ["nope", rest[0]!.id] })).status, 400);
    assert.equal((await openDm(a!, { users: [randomUUID(), rest[0]!.id] })).status, 404);
  });

  test("blocking applies per pair", async () => {
    const [a, b, c, d] = await people(4, "blk");
    // b blocked a: a cannot open a conversation that includes b, in either direction.
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: b!.token, body: { user: a!.id } })).status, 204);
    const withB = await openDm(a!, { users: [b!.id, c!.id] });
    assert.equal(withB.status, 403);
    assert.equal(withB.body.error?.code, "FORBIDDEN");
    assert.equal((await openDm(b!, { users: [a!.id, c!.id] })).status, 403, "the blocker cannot pull them in either");
    assert.equal((await openDm(a!, { users: [c!.id, d!.id] })).status, 200, "a and the others are unaffected");

    // c blocked d: a (who blocked nobody) may still bring both together; c sees d masked, a does not.
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: c!.token, body: { user: d!.id } })).status, 204);
    const group = await openDm(a!, { users: [c!.id, d!.id] });
    assert.equal(group.status, 200, "a block between two others is theirs, not the opener's");
    const sd = await connect(d!);
    await sd.join(group.body.id);
    const sent = await sd.request({ type: "send", id: randomUUID(), room: group.body.id, content: "from d" });
    assert.equal(sent.type, "ack", "a group goes on; the block masks per pair");
    const asC = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${group.body.id}/messages`, { token: c!.token });
    const asA = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${group.body.id}/messages`, { token: a!.token });
    const byC = asC.body.messages.find((m) => m.sender === d!.id);
    assert.equal(byC?.blocked, true);
    assert.equal(byC?.content, "");
    assert.equal(asA.body.messages.find((m) => m.sender === d!.id)?.content, "from d");

    // A 1:1 conversation is still closed by a block either way.
    const pair = await openDm(c!, { user: a!.id });
    assert.equal(pair.status, 200);
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: a!.token, body: { user: c!.id } })).status, 204);
    const sc = await connect(c!);
    await sc.join(pair.body.id);
    const refused = await sc.request({ type: "send", id: randomUUID(), room: pair.body.id, content: "hi" });
    assert.equal(refused.type, "error");
  });

  test("a 1:1 room's detail says who closed it with a block; groups and open pairs say nothing", async () => {
    const [a, b, c] = await people(3, "k");
    const pair = await openDm(a!, { user: b!.id });
    const group = await openDm(a!, { users: [b!.id, c!.id] });
    const detail = (user: TestUser, room: string) => api<RoomDetail>(server.url, "GET", `/api/rooms/${room}`, { token: user.token });
    assert.equal((await detail(a!, pair.body.id)).body.dm_blocked, undefined);
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: a!.token, body: { user: b!.id } })).status, 204);
    assert.equal((await detail(a!, pair.body.id)).body.dm_blocked, "by_me");
    assert.equal((await detail(b!, pair.body.id)).body.dm_blocked, "by_them");
    assert.equal((await detail(c!, group.body.id)).body.dm_blocked, undefined, "a group goes on: nothing to say");
    assert.equal((await detail(a!, group.body.id)).body.dm_blocked, undefined);
    assert.equal((await api(server.url, "DELETE", `/api/blocks/${b!.id}`, { token: a!.token })).status, 204);
    assert.equal((await detail(b!, pair.body.id)).body.dm_blocked, undefined);
  });
});
