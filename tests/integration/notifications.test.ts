/**
 * Notification levels: each member's own choice per room (`PATCH /api/rooms/:id/notifications`),
 * returned in their room summaries, defaulting by room size.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RoomSummary } from "@/protocol/rest";
import { api, createRoom, registerUser, type TestUser } from "../support/client";
import { roomWithMembers, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let alice: TestUser;

before(async () => {
  server = await startServer();
  [owner, alice] = await users(server, ["owner", "alice"]);
});
after(() => server.stop());

type ErrorBody = { error: { code: string; message: string } };
const setLevel = (room: string, user: TestUser | null, body: unknown) =>
  api<{ room: string; level: string } & Partial<ErrorBody>>(server.url, "PATCH", `/api/rooms/${room}/notifications`, { ...(user ? { token: user.token } : {}), body });
const levelOf = async (room: string, user: TestUser) =>
  (await api<{ rooms: RoomSummary[] }>(server.url, "GET", "/api/rooms?scope=mine", { token: user.token })).body.rooms.find((r) => r.id === room)?.notifications;
const join = async (room: string, user: TestUser) => assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: user.token })).status, 200);

describe("notification levels", () => {
  test("default: all for direct rooms and rooms of up to 10 members, mentions for larger rooms", async () => {
    const dm = await api<{ id: string }>(server.url, "POST", "/api/dms", { token: owner.token, body: { user: alice.id } });
    assert.equal(dm.status, 200);
    assert.equal(await levelOf(dm.body.id, owner), "all");

    const room = await createRoom(server.url, owner);
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => registerUser(server.url, `p${i}`)));
    for (const person of people.slice(0, 9)) await join(room, person);
    assert.equal(await levelOf(room, owner), "all", "10 members: small");
    await join(room, people[9]!);
    assert.equal(await levelOf(room, owner), "mentions", "11 members: large");
    assert.equal(await levelOf(room, people[0]!), "mentions");
  });

  test("a member sets their own level; it shows in their summary only and survives a reload", async () => {
    const room = await roomWithMembers(server, owner, [alice]);
    const res = await setLevel(room, alice, { level: "none" });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { room, level: "none" });
    assert.equal(await levelOf(room, alice), "none");
    assert.equal(await levelOf(room, owner), "all", "the owner's level is theirs alone");
    assert.equal((await setLevel(room, alice, { level: "mentions" })).status, 200);
    assert.equal(await levelOf(room, alice), "mentions");
  });

  test("validation: unknown levels, missing or extra fields are INVALID", async () => {
    const room = await createRoom(server.url, owner);
    for (const body of [{ level: "loud" }, {}, { level: "all", user: alice.id }, { level: null }, "all"]) {
      const res = await setLevel(room, owner, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error?.code, "INVALID");
    }
    const badId = await api<ErrorBody>(server.url, "PATCH", "/api/rooms/not-a-uuid/notifications", { token: owner.token, body: { level: "all" } });
    assert.equal(badId.status, 404, "a path id that is no UUID names no room");
  });

  test("authorization: signed-in members only, for their own membership", async () => {
    const room = await createRoom(server.url, owner);
    assert.equal((await setLevel(room, null, { level: "none" })).status, 401);
    const outsider = await setLevel(room, alice, { level: "none" });
    assert.equal(outsider.status, 403, "not a member: nothing to set");
    assert.equal(outsider.body.error?.code, "FORBIDDEN");
    assert.equal(await levelOf(room, owner), "all", "an outsider's request changed nobody's level");
    const missing = await setLevel("00000000-0000-4000-8000-000000000000", alice, { level: "none" });
    assert.equal(missing.status, 404);
  });
});
