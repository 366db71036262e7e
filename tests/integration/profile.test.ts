/**
 * Display names against the real server: set and cleared through PATCH /api/me (validated,
 * trimmed, naming the field), shown as `sender_display` on live and stored messages, as
 * `display_name` on members (REST detail, member paging and search, `joined`, `member joined`),
 * and announced live to a room member with a `profile` frame. The colour theme preference: stored
 * per user through the same route, read back by any later session of that user.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
before(async () => {
  server = await startServer();
  await registerUser(server.url, "root"); // the first user is a site admin; keep them out of the way
});
after(() => server.stop());

type Me = { id: string; username: string; display_name: string | null; theme: string; locale: string | null };
type ErrorBody = { error: { code: string; field?: string } };

const patchMe = (user: TestUser, body: unknown) => api<Me & ErrorBody>(server.url, "PATCH", "/api/me", { token: user.token, body });
const getMe = async (user: TestUser) => (await api<Me>(server.url, "GET", "/api/me", { token: user.token })).body;

describe("display names", () => {
  test("set (trimmed), cleared with null, and refused when invalid, naming the field", async () => {
    const alice = await registerUser(server.url, "alice");
    assert.equal((await getMe(alice)).display_name, null, "no display name until one is set");

    const set = await patchMe(alice, { display_name: "  Alice Liddell  " });
    assert.equal(set.status, 200);
    assert.equal(set.body.display_name, "Alice Liddell");
    assert.equal((await getMe(alice)).display_name, "Alice Liddell");

    const invalid: unknown[] = [{ display_name: "" }, { display_name: "   " }, { display_name: "x".repeat(65) }, { display_name: "bad\u0000name" }, { display_name: 42 }, {}];
    for (const body of invalid) {
      const res = await patchMe(alice, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, "INVALID");
      assert.equal(res.body.error.field, "display_name", JSON.stringify(body));
    }
    assert.equal((await getMe(alice)).display_name, "Alice Liddell", "a refused change changes nothing");
    assert.equal((await patchMe(alice, { display_name: "x".repeat(64) })).status, 200, "64 characters are allowed");

    const cleared = await patchMe(alice, { display_name: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.display_name, null);
    assert.equal((await getMe(alice)).display_name, null);
    assert.equal((await api(server.url, "PATCH", "/api/me", { body: { display_name: "anon" } })).status, 401);
  });

  test("messages carry sender_display live and in history; members carry display_name", async () => {
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    assert.equal((await patchMe(bob, { display_name: "Bobby Tables" })).status, 200);
    const room = await createRoom(server.url, carol);
    const carolSocket = await TestSocket.connect(server.wsUrl, carol);
    await carolSocket.join(room);

    const bobSocket = await TestSocket.connect(server.wsUrl, bob);
    const fromJoin = carolSocket.frames.length;
    const joined = await (async () => {
      assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: bob.token })).status, 200);
      return bobSocket.join(room);
    })();
    assert.equal(joined.members.find((m) => m.id === bob.id)?.display_name, "Bobby Tables", "joined lists display names");
    assert.equal(joined.members.find((m) => m.id === carol.id)?.display_name ?? null, null);
    const memberJoined = (await carolSocket.next((f) => f.type === "member" && f.event === "joined" && f.user.id === bob.id, { fromIndex: fromJoin })) as Extract<
      ServerFrame,
      { type: "member" }
    >;
    assert.equal(memberJoined.user.display_name, "Bobby Tables");

    const ack = await bobSocket.request({ type: "send", room, content: "hello" });
    assert.equal(ack.type, "ack");
    const acked = (ack as Extract<ServerFrame, { type: "ack" }>).message;
    assert.equal(acked.sender_display, "Bobby Tables");
    assert.equal(acked.sender_name, bob.username, "sender_name stays the username");
    const live = (await carolSocket.next((f) => f.type === "message" && f.message.id === acked.id)) as Extract<ServerFrame, { type: "message" }>;
    assert.equal(live.message.sender_display, "Bobby Tables");

    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: carol.token });
    const stored = history.body.messages.find((m) => m.id === acked.id);
    assert.equal(stored?.sender_display, "Bobby Tables");
    const carolLine = await carolSocket.request({ type: "send", room, content: "hi bob" });
    assert.equal((carolLine as Extract<ServerFrame, { type: "ack" }>).message.sender_display, undefined, "no display name: the field is absent");

    const detail = await api<{ members: Array<{ id: string; display_name?: string | null }> }>(server.url, "GET", `/api/rooms/${room}`, { token: carol.token });
    assert.equal(detail.body.members.find((m) => m.id === bob.id)?.display_name, "Bobby Tables");
    const page = await api<{ members: Array<{ id: string; display_name?: string | null }> }>(server.url, "GET", `/api/rooms/${room}/members?q=tables`, {
      token: carol.token,
    });
    assert.deepEqual(
      page.body.members.map((m) => m.id),
      [bob.id],
      "member search matches display names",
    );
    assert.equal(page.body.members[0]!.display_name, "Bobby Tables");

    // A later change shows on old messages too: history reads the name at read time.
    assert.equal((await patchMe(bob, { display_name: null })).status, 200);
    const again = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: carol.token });
    assert.equal(again.body.messages.find((m) => m.id === acked.id)?.sender_display, undefined);
    await Promise.all([bobSocket.close(), carolSocket.close()]);
  });

  test("a change reaches a room member's open socket as a profile frame; strangers get nothing", async () => {
    const dave = await registerUser(server.url, "dave");
    const erin = await registerUser(server.url, "erin");
    const stranger = await registerUser(server.url, "stranger");
    const room = await createRoom(server.url, erin, "private");
    const other = await createRoom(server.url, stranger);
    const invite = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: erin.token, body: {} });
    assert.equal((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: dave.token })).status, 200);

    const erinSocket = await TestSocket.connect(server.wsUrl, erin);
    await erinSocket.join(room);
    const strangerSocket = await TestSocket.connect(server.wsUrl, stranger);
    await strangerSocket.join(other);
    const daveSocket = await TestSocket.connect(server.wsUrl, dave);

    assert.equal((await patchMe(dave, { display_name: "Dave the Brave" })).status, 200);
    const frame = (await erinSocket.next((f) => f.type === "profile")) as Extract<ServerFrame, { type: "profile" }>;
    assert.equal(frame.room, room);
    assert.deepEqual(frame.user, { id: dave.id, username: dave.username, display_name: "Dave the Brave" });
    // The user's own sockets hear it too (other tabs update their profile).
    const own = (await daveSocket.next((f) => f.type === "profile")) as Extract<ServerFrame, { type: "profile" }>;
    assert.equal(own.user.display_name, "Dave the Brave");

    assert.equal((await patchMe(dave, { display_name: null })).status, 200);
    const clearedFrame = (await erinSocket.next((f) => f.type === "profile" && f.user.display_name === null)) as Extract<ServerFrame, { type: "profile" }>;
    assert.equal(clearedFrame.user.id, dave.id);
    assert.ok(!strangerSocket.frames.some((f) => f.type === "profile"), "someone sharing no room with dave hears nothing");
    await Promise.all([erinSocket.close(), strangerSocket.close(), daveSocket.close()]);
  });
});

describe("theme preference", () => {
  test("defaults to system, is stored per user, survives a new session and refuses anything else", async () => {
    const frank = await registerUser(server.url, "frank");
    const grace = await registerUser(server.url, "grace");
    assert.equal((await getMe(frank)).theme, "system", "a new user follows the system");

    const set = await patchMe(frank, { theme: "dark" });
    assert.equal(set.status, 200);
    assert.equal(set.body.theme, "dark");
    assert.equal(set.body.display_name, null, "setting the theme leaves the display name alone");

    // Another device: a fresh token for the same account reads the stored preference.
    const login = await api<{ token: string }>(server.url, "POST", "/api/token", { body: { username: frank.username, password: frank.password } });
    assert.equal(login.status, 200);
    assert.equal((await getMe({ ...frank, token: login.body.token })).theme, "dark");
    assert.equal((await getMe(grace)).theme, "system", "one user's choice is not another's");

    const both = await patchMe(frank, { theme: "light", display_name: "Frank" });
    assert.equal(both.status, 200);
    assert.equal(both.body.theme, "light");
    assert.equal(both.body.display_name, "Frank");
    assert.equal((await patchMe(frank, { display_name: null })).body.theme, "light", "a name change keeps the theme");

    for (const body of [{ theme: "blue" }, { theme: "" }, { theme: null }, { theme: 1 }, { theme: "Dark" }]) {
      const res = await patchMe(frank, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, "INVALID");
      assert.equal(res.body.error.field, "theme", JSON.stringify(body));
    }
    assert.equal((await patchMe(frank, { theme: "dark", extra: 1 })).status, 400, "unknown fields are refused");
    assert.equal((await getMe(frank)).theme, "light", "a refused change changes nothing");
    assert.equal((await patchMe(frank, { theme: "system" })).body.theme, "system");
    assert.equal((await api(server.url, "PATCH", "/api/me", { body: { theme: "dark" } })).status, 401);
  });
});

describe("interface language", () => {
  test("follows the browser until chosen, is stored per user, can be cleared, and refuses unknown languages", async () => {
    const hana = await registerUser(server.url, "hana");
    assert.equal((await getMe(hana)).locale, null, "a new user follows the browser");

    const set = await patchMe(hana, { locale: "de" });
    assert.equal(set.status, 200);
    assert.equal(set.body.locale, "de");
    assert.equal(set.body.theme, "system", "setting the language leaves the theme alone");
    const login = await api<{ token: string }>(server.url, "POST", "/api/token", { body: { username: hana.username, password: hana.password } });
    assert.equal((await getMe({ ...hana, token: login.body.token })).locale, "de", "another device reads the choice");

    for (const body of [{ locale: "fr" }, { locale: "DE" }, { locale: "" }, { locale: 1 }]) {
      const res = await patchMe(hana, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.field, "locale", JSON.stringify(body));
    }
    assert.equal((await getMe(hana)).locale, "de", "a refused change changes nothing");
    assert.equal((await patchMe(hana, { locale: null })).body.locale, null, "null goes back to the browser's languages");
  });

  test("a signed-out page renders in the browser's language", async () => {
    const page = async (acceptLanguage: string) => {
      const res = await fetch(`${server.url}/signin`, { headers: { "accept-language": acceptLanguage } });
      assert.equal(res.status, 200);
      return /<html[^>]*\blang="([^"]+)"/.exec(await res.text())?.[1];
    };
    assert.equal(await page("de-AT,de;q=0.9,en;q=0.5"), "de");
    assert.equal(await page("fr-FR,en;q=0.5"), "en");
  });
});
