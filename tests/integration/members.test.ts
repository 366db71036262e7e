/**
 * Big rooms: `joined` lists at most JOINED_MEMBERS_MAX members (always including the joiner)
 * and says so; the rest is paged by username over GET /api/rooms/:id/members.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { MembersPage } from "@/protocol/rest";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let others: TestUser[];
let room: string;
const sockets: TestSocket[] = [];

before(async () => {
  server = await startServer({ JOINED_MEMBERS_MAX: "3" });
  owner = await registerUser(server.url, "owner");
  room = await createRoom(server.url, owner);
  others = await Promise.all(Array.from({ length: 5 }, (_, i) => registerUser(server.url, `m${i}`)));
  for (const user of others) assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: user.token })).status, 200);
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await server.stop();
});

describe("members of big rooms", () => {
  test("joined lists the first members, always the joiner, and says the list is partial", async () => {
    const last = others[others.length - 1]!;
    const socket = await TestSocket.connect(server.wsUrl, last);
    sockets.push(socket);
    const joined = await socket.join(room);
    assert.equal(joined.members.length, 3);
    assert.equal(joined.members_complete, false);
    assert.equal(joined.member_count, 6);
    assert.ok(joined.members.some((m) => m.id === last.id), "the joiner is listed even though they joined last");
    assert.ok(joined.members.some((m) => m.id === owner.id), "the first members (the owner) are listed");
    assert.deepEqual(Object.keys(joined.reads).sort(), joined.members.map((m) => m.id).sort(), "receipts only for the listed members");
  });

  test("a small room is listed whole", async () => {
    const small = await createRoom(server.url, owner);
    const socket = await TestSocket.connect(server.wsUrl, owner);
    sockets.push(socket);
    const joined = await socket.join(small);
    assert.equal(joined.members_complete, true);
    assert.equal(joined.member_count, 1);
  });

  test("pages by username cover every member once, with presence", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${after ? `&after=${encodeURIComponent(after)}` : ""}`;
      const res = await api<MembersPage>(server.url, "GET", `/api/rooms/${room}/members${query}`, { token: others[0]!.token });
      assert.equal(res.status, 200);
      assert.equal(res.body.total, 6);
      assert.ok(res.body.members.length <= 2);
      for (const m of res.body.members) assert.ok(["online", "idle", "away", "dnd", "offline"].includes(m.status));
      seen.push(...res.body.members.map((m) => m.username));
      after = res.body.next;
      pages++;
    } while (after && pages < 10);
    const everyone = [owner, ...others].map((u) => u.username);
    assert.deepEqual([...seen].sort(), [...everyone].sort(), "every member exactly once");
    assert.deepEqual(seen, [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), "in username order");
    assert.equal(pages, 3);
  });

  test("search by username, and the page is refused to people who cannot read the room", async () => {
    const target = others[2]!;
    const found = await api<MembersPage>(server.url, "GET", `/api/rooms/${room}/members?q=${target.username}`, { token: owner.token });
    assert.deepEqual(
      found.body.members.map((m) => m.id),
      [target.id],
    );
    const secret = await createRoom(server.url, owner, "private");
    const outsider = await api(server.url, "GET", `/api/rooms/${secret}/members`, { token: target.token });
    assert.ok(outsider.status === 403 || outsider.status === 404, `outsider got ${outsider.status}`);
    const bad = await api(server.url, "GET", `/api/rooms/${room}/members?limit=100000`, { token: owner.token });
    assert.equal(bad.status, 400);
  });
});
