/**
 * GET /api/search: prefix full-text search over what the caller may read now. Each visibility
 * rule has a test that first sees the message found, then not (or never) found, so removing the
 * rule fails it.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import type { SearchResult } from "@/protocol/rest";
import { api, createRoom, registerUser, type TestSocket, type TestUser } from "../support/client";
import { connect, roomWithMembers, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let alice: TestUser;

before(async () => {
  server = await startServer();
  [owner, alice] = await users(server, ["owner", "alice"]);
});
after(() => server.stop());

/** A word no other test uses (letters only, so it is one token). */
const word = (stem = "deploy") => `${stem}${randomUUID().replace(/[^a-f]/g, "").slice(0, 8)}`;

type Answer = { results?: SearchResult[]; error?: { code: string; message: string } };
const search = (user: TestUser, params: Record<string, string>) => api<Answer>(server.url, "GET", `/api/search?${new URLSearchParams(params)}`, { token: user.token });
async function found(user: TestUser, q: string, extra: Record<string, string> = {}): Promise<SearchResult[]> {
  const res = await search(user, { q, ...extra });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.results!;
}

const socketOf = (user: TestUser, room: string) => connect(server, user, { join: [room] });
async function say(s: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}): Promise<Message> {
  const ack = await s.request({ type: "send", room, content, ...extra });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as { message: Message }).message;
}
const moderate = (room: string, body: Record<string, unknown>) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });

describe("search", () => {
  test("a prefix finds the word, newest first, with the room and a highlight", async () => {
    const room = await createRoom(server.url, owner, "public", `ops-${word("r")}`);
    const s = await socketOf(owner, room);
    const w = word();
    const first = await say(s, room, `we ${w} on fridays`);
    await say(s, room, "something else entirely");
    const second = await say(s, room, `${w.toUpperCase()} again today`);
    const results = await found(owner, w.slice(0, w.length - 3));
    assert.deepEqual(
      results.map((r) => r.message.id),
      [second.id, first.id],
    );
    assert.equal(results[0]!.room.id, room);
    assert.match(results[0]!.room.name, /^ops-/);
    assert.equal(results[0]!.message.content, `${w.toUpperCase()} again today`);
    assert.match(results[1]!.highlight, new RegExp(`<mark>${w}</mark>`));
    // Every word must match, each as a prefix.
    assert.deepEqual(
      (await found(owner, `${w.slice(0, 8)} fri`)).map((r) => r.message.id),
      [first.id],
    );
  });

  test("the highlight is escaped: only <mark> is markup", async () => {
    const room = await createRoom(server.url, owner);
    const s = await socketOf(owner, room);
    const w = word();
    await say(s, room, `<img src=x onerror="alert(1)"> ${w} & <b>bold</b> 'q'`);
    const [hit] = await found(owner, w);
    assert.ok(hit);
    assert.doesNotMatch(hit.highlight, /<(?!\/?mark>)/, `no tag but mark: ${hit.highlight}`);
    assert.match(hit.highlight, /&lt;img/);
    assert.match(hit.highlight, /&quot;alert/);
    assert.match(hit.highlight, new RegExp(`<mark>${w}</mark>`));
  });

  test("another private room's messages are never found; a public room's are, as in history", async () => {
    const secret = await createRoom(server.url, owner, "private");
    const open = await createRoom(server.url, owner, "public");
    const w = word();
    await say(await socketOf(owner, secret), secret, `${w} secret plan`);
    await say(await socketOf(owner, open), open, `${w} open plan`);
    assert.equal((await found(owner, w)).length, 2);
    const results = await found(alice, w);
    assert.deepEqual(
      results.map((r) => r.room.id),
      [open],
      "alice is in neither room: the public one reads like its history, the private one not at all",
    );
    const refused = await search(alice, { q: w, room: secret });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, "FORBIDDEN");
  });

  test("a kicked member stops finding the private room's messages", async () => {
    const bob = await registerUser(server.url, "bob");
    const room = await roomWithMembers(server, owner, [bob], "private");
    const w = word();
    await say(await socketOf(owner, room), room, `${w} before the kick`);
    assert.equal((await found(bob, w)).length, 1);
    assert.equal((await moderate(room, { action: "kick", user: bob.id })).status, 200);
    assert.deepEqual(await found(bob, w), []);
  });

  test("a banned user stops finding a public room's messages", async () => {
    const carl = await registerUser(server.url, "carl");
    const room = await roomWithMembers(server, owner, [carl]);
    const w = word();
    await say(await socketOf(owner, room), room, `${w} before the ban`);
    assert.equal((await found(carl, w)).length, 1);
    assert.equal((await moderate(room, { action: "ban", user: carl.id })).status, 200);
    assert.deepEqual(await found(carl, w), [], "banned: not a member, and a public room is not readable either");
  });

  test("a private `to` message is found by its sender and recipient only", async () => {
    const [dana, erin] = await users(server, ["dana", "erin"]);
    const room = await roomWithMembers(server, owner, [dana, erin, alice]);
    const w = word();
    const whisper = await say(await socketOf(dana, room), room, `${w} just for erin`, { to: erin.id });
    assert.deepEqual((await found(dana, w)).map((r) => r.message.id), [whisper.id]);
    assert.deepEqual((await found(erin, w)).map((r) => r.message.id), [whisper.id]);
    assert.deepEqual(await found(alice, w), []);
    assert.deepEqual(await found(owner, w), [], "not even the room's owner");
  });

  test("a blocked sender's message is masked the way history masks it", async () => {
    const [frank, gina] = await users(server, ["frank", "gina"]);
    const room = await roomWithMembers(server, owner, [frank, gina]);
    const w = word();
    const said = await say(await socketOf(frank, room), room, `${w} from frank`);
    assert.equal((await found(gina, w))[0]?.message.content, `${w} from frank`);
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: gina.token, body: { user: frank.id } })).status, 204);
    const [hit] = await found(gina, w);
    assert.equal(hit?.message.id, said.id);
    assert.equal(hit.message.blocked, true);
    assert.equal(hit.message.content, "");
    assert.equal(hit.highlight, "", "the highlight would give the words away");
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: gina.token });
    const inHistory = history.body.messages.find((m) => m.id === said.id);
    assert.deepEqual({ ...hit.message, reactions: undefined }, { ...inHistory, reactions: undefined }, "same mask as history");
    assert.equal((await found(owner, w))[0]?.message.content, `${w} from frank`, "others still read it");
  });

  test("a deleted message is never found", async () => {
    const room = await createRoom(server.url, owner);
    const s = await socketOf(owner, room);
    const w = word();
    const msg = await say(s, room, `${w} regret`);
    assert.equal((await found(owner, w)).length, 1);
    const del = await s.request({ type: "delete", room, message: msg.id });
    assert.equal(del.type, "ack");
    assert.deepEqual(await found(owner, w), []);
  });

  test("system lines are not results", async () => {
    const joiner = await registerUser(server.url, "sysline");
    const room = await roomWithMembers(server, owner, [joiner]);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.ok(history.body.messages.some((m) => m.kind === "system" && m.content.includes(joiner.username)), "the join line exists");
    assert.deepEqual(await found(owner, joiner.username), []);
  });

  test("room and from filters, and paging with before", async () => {
    const hank = await registerUser(server.url, "hank");
    const [one, two] = [await roomWithMembers(server, owner, [hank]), await createRoom(server.url, owner)];
    const w = word();
    const a = await say(await socketOf(owner, one), one, `${w} a`);
    const b = await say(await socketOf(hank, one), one, `${w} b`);
    const c = await say(await socketOf(owner, two), two, `${w} c`);
    assert.deepEqual((await found(owner, w, { room: one })).map((r) => r.message.id), [b.id, a.id]);
    assert.deepEqual((await found(owner, w, { from: hank.id })).map((r) => r.message.id), [b.id]);
    const page1 = await found(owner, w, { limit: "2" });
    assert.deepEqual(page1.map((r) => r.message.id), [c.id, b.id]);
    const page2 = await found(owner, w, { limit: "2", before: page1[1]!.message.id });
    assert.deepEqual(page2.map((r) => r.message.id), [a.id]);
  });

  test("bad input is a typed 400 or an empty answer, never a 500", async () => {
    const room = await createRoom(server.url, owner);
    const s = await socketOf(owner, room);
    const w = word();
    await say(s, room, `${w} survives operators`);
    const long = await search(owner, { q: "a".repeat(1000) });
    assert.equal(long.status, 400);
    assert.equal(long.body.error?.code, "INVALID");
    for (const q of ["", "   "]) {
      const empty = await search(owner, { q });
      assert.equal(empty.status, 400, `q=${JSON.stringify(q)}`);
      assert.equal(empty.body.error?.code, "INVALID");
    }
    const missing = await api<Answer>(server.url, "GET", "/api/search", { token: owner.token });
    assert.equal(missing.status, 400);
    for (const q of ["&", "|", "!", ":*", "'", '"', "(", ")", "&|!:*'\"()<->\\", "' | '", "a:* & !", "\\'", "<->", "foo:A", "$$", "%", "_"]) {
      const res = await search(owner, { q });
      assert.equal(res.status, 200, `q=${JSON.stringify(q)}: ${JSON.stringify(res.body)}`);
      assert.ok(Array.isArray(res.body.results));
    }
    for (const q of [`${w} & !`, `(${w})`, `'${w}':*`, `!${w}`, `${w}|`]) {
      const res = await search(owner, { q });
      assert.equal(res.status, 200, `q=${JSON.stringify(q)}`);
      assert.equal(res.body.results?.length, 1, `operators are plain characters: ${q}`);
    }
    const badParams: Array<Record<string, string>> = [{ q: w, limit: "0" }, { q: w, limit: "1000" }, { q: w, before: "yesterday" }, { q: w, room: "not-a-uuid" }, { q: w, from: "bob" }];
    for (const params of badParams) {
      const res = await search(owner, params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.body.error?.code, "INVALID");
    }
    const unknownRoom = await search(owner, { q: w, room: randomUUID() });
    assert.equal(unknownRoom.status, 404);
    const unauthenticated = await api(server.url, "GET", `/api/search?q=${w}`);
    assert.equal(unauthenticated.status, 401);
  });
});

describe("search rate limit", () => {
  test("searches beyond RATE_SEARCHES_PER_MIN are refused with RATE_LIMITED and Retry-After", async () => {
    const limited = await startServer({ RATE_SEARCHES_PER_MIN: "2" });
    try {
      const user = await registerUser(limited.url, "searcher");
      const query = () => fetch(`${limited.url}/api/search?q=anything`, { headers: { authorization: `Bearer ${user.token}` } });
      assert.equal((await query()).status, 200);
      assert.equal((await query()).status, 200);
      const refused = await query();
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as Answer).error?.code, "RATE_LIMITED");
      assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    } finally {
      await limited.stop();
    }
  });
});
