/**
 * Room names are unique per visibility scope, ignoring case: public rooms among public rooms,
 * private rooms among their creator's private rooms. Creating or renaming into a taken name
 * (or changing visibility into a scope where it is taken) is a 409 CONFLICT naming `name`;
 * other scopes may share a name; direct rooms are not checked.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, registerUser, uniqueName, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
before(async () => {
  server = await startServer();
  await registerUser(server.url, "root");
  alice = await registerUser(server.url, "alice");
  bob = await registerUser(server.url, "bob");
});
after(() => server.stop());

type Created = { id: string; name: string; error?: { code: string; message: string; field?: string } };
const create = (user: TestUser, name: string, visibility: "public" | "private") => api<Created>(server.url, "POST", "/api/rooms", { token: user.token, body: { name, visibility } });
const patch = (user: TestUser, id: string, body: Record<string, unknown>) => api<Created>(server.url, "PATCH", `/api/rooms/${id}`, { token: user.token, body });

function assertConflict(res: { status: number; body: Created }, what: string): void {
  assert.equal(res.status, 409, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error?.code, "CONFLICT");
  assert.equal(res.body.error?.field, "name", "the error names the field");
  assert.match(res.body.error?.message ?? "", /^name: /);
}

describe("unique room names", () => {
  test("public names are unique among public rooms, ignoring case", async () => {
    const name = uniqueName("General");
    const first = await create(alice, name, "public");
    assert.equal(first.status, 201);
    assertConflict(await create(bob, name.toLowerCase(), "public"), "another user, other case");
    assertConflict(await create(alice, name.toUpperCase(), "public"), "the same user");
    assertConflict(await create(bob, `  ${name}  `, "public"), "surrounding spaces are trimmed first");
    assert.equal((await create(alice, `${name}-2`, "public")).status, 201, "a different name is fine");
  });

  test("private names are unique per creator; other scopes may share a name", async () => {
    const name = uniqueName("Team");
    assert.equal((await create(alice, name, "private")).status, 201);
    assertConflict(await create(alice, name.toLowerCase(), "private"), "the creator's second private room");
    assert.equal((await create(bob, name.toLowerCase(), "private")).status, 201, "another creator's private room");
    assert.equal((await create(bob, name, "public")).status, 201, "a public room with a private room's name");
    assertConflict(await create(alice, name.toUpperCase(), "public"), "then the public scope has it");
  });

  test("renames and visibility changes are checked the same way", async () => {
    const taken = uniqueName("Taken");
    const mine = uniqueName("Mine");
    assert.equal((await create(bob, taken, "public")).status, 201);
    const room = await create(alice, mine, "public");
    assert.equal(room.status, 201);

    assertConflict(await patch(alice, room.body.id, { name: taken.toUpperCase() }), "rename onto a public name");
    const unchanged = await api<{ name: string }>(server.url, "GET", `/api/rooms/${room.body.id}`, { token: alice.token });
    assert.equal(unchanged.body.name, mine, "a refused rename changes nothing");

    const recased = await patch(alice, room.body.id, { name: mine.toUpperCase() });
    assert.equal(recased.status, 200, "changing the case of its own name is fine");
    assert.equal(recased.body.name, mine.toUpperCase());
    assert.equal((await patch(alice, room.body.id, { topic: "only the topic" })).status, 200, "other settings are not blocked by the name");

    // alice's private room named like bob's public one: fine until it would go public.
    const secret = await create(alice, taken, "private");
    assert.equal(secret.status, 201);
    assertConflict(await patch(alice, secret.body.id, { visibility: "public" }), "going public into a taken name");
    assert.equal((await patch(alice, secret.body.id, { visibility: "public", name: uniqueName("Fresh") })).status, 200, "with a free name it may go public");

    // and back into private where alice already has that name.
    const privateName = uniqueName("Hidden");
    assert.equal((await create(alice, privateName, "private")).status, 201);
    const pub = await create(alice, privateName, "public");
    assert.equal(pub.status, 201);
    assertConflict(await patch(alice, pub.body.id, { visibility: "private" }), "going private into one of the creator's names");
  });

  test("direct conversations are not checked", async () => {
    const carol = await registerUser(server.url, "carol");
    // A direct room is named after its pair; a public room of that name must not stop it.
    assert.equal((await create(bob, `${alice.username}, ${carol.username}`, "public")).status, 201);
    const dm = await api<{ id: string; name: string }>(server.url, "POST", "/api/dms", { token: alice.token, body: { user: carol.id } });
    assert.ok(dm.status === 200 || dm.status === 201, JSON.stringify(dm.body));
    assert.equal(dm.body.name, `${alice.username}, ${carol.username}`);
  });
});
