/**
 * The AI assistant against a local OpenAI-compatible fixture (tests/support/ai-fixture.ts):
 * streamed replies, catch-up mid-stream, one generation per user, cancel, idle cancel,
 * provider errors and timeouts, what reaches the prompt, and the room switch.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import type { AiFixture } from "../support/ai-fixture";
import { aiEnv, ask, assembled, assistantOf, deltasOf, finalOf, gapFree, replyTo, roomWith as roomOn, startAiSuite, waitDelta, type AiSuite, type Frame } from "../support/ai-suite";
import { api, createRoom, waitFor, type TestSocket, type TestUser } from "../support/client";
import { connect as connectTo, siteAdmin as siteAdminOf, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

const IDLE_CANCEL_MS = 1500;
const env = { AI_IDLE_CANCEL_MS: String(IDLE_CANCEL_MS) };
let suite: AiSuite;
let fixture: AiFixture;
let server: TestServer;
let bot: { name: string; user: string };
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let siteAdmin: TestUser;

before(async () => {
  suite = await startAiSuite(env);
  ({ fixture, server } = suite);
  siteAdmin = await siteAdminOf(server);
  [alice, bob, carol] = await users(server, ["alice", "bob", "carol"]);
  bot = await assistantOf(server, alice);
});
after(() => suite.stop());

const connect = (user: TestUser, target = server): Promise<TestSocket> => connectTo(target, user);

const roomWith = (owner: TestUser, ...others: TestUser[]) => roomOn(server, owner, ...others);

describe("a streamed reply", () => {
  test("message at the first token, gap-free deltas, then message_updated with the final text and meta; the assistant types meanwhile", async () => {
    const { room, sockets: [a, b] } = await roomWith(alice, bob);
    fixture.script("full", { chunks: ["Hel", "lo", " wor", "ld"], usage: { prompt: 42, completion: 4 } });
    const request = await ask(a!, room, `@${bot.name} say hello [t:full]`);
    const reply = await replyTo(b!, request.id);
    assert.equal(reply.sender, bot.user);
    assert.equal(reply.streaming, true);
    assert.equal(reply.content, "Hel");
    const final = await finalOf(b!, reply.id);
    assert.equal(final.content, "Hello world");
    assert.equal(final.streaming, false);
    assert.equal(final.reply_to, request.id);
    const meta = final.meta as Record<string, unknown>;
    assert.equal(meta.finish, "stop");
    assert.equal(meta.model, "fixture-model");
    assert.equal(typeof meta.ttft_ms, "number");
    assert.equal(typeof meta.duration_ms, "number");
    assert.equal(meta.tokens, 4);
    const deltas = deltasOf(b!, reply.id);
    assert.deepEqual(deltas.map((d) => d.index), [0, 1, 2]);
    assert.ok(deltas.every((d) => d.seq === reply.seq && d.room === room));
    assert.equal(reply.content + deltas.map((d) => d.text).join(""), final.content);
    // The requester's socket saw the same stream.
    assert.equal(assembled(a!, reply.id).text, "Hello world");
    // The assistant was among the typists while it generated, and left when it finished.
    const typing = b!.frames.findIndex((f) => f.type === "typing" && f.users.includes(bot.user));
    assert.ok(typing >= 0, "the assistant appears in typing");
    await b!.next((f) => f.type === "typing" && !f.users.includes(bot.user), { fromIndex: typing });
    // The prompt: the system prompt first, the request last, with its author's name.
    const prompt = (await fixture.request("full")).messages;
    assert.equal(prompt[0]!.role, "system");
    assert.match(prompt.at(-1)!.content, new RegExp(`^${alice.username}: @${bot.name} say hello`));
    // Stored like any message: history has the final text.
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: bob.token });
    assert.equal(history.body.messages.find((m) => m.id === reply.id)?.content, "Hello world");
  });

  test("a socket joining mid-stream gets the text so far, then the remaining deltas, each piece once", async () => {
    const { room, sockets: [a] } = await roomWith(alice, carol);
    fixture.script("join", { chunks: ["c0", "c1", "c2", "c3", "c4"], holdAt: [2] });
    const request = await ask(a!, room, `@${bot.name} count [t:join]`);
    const reply = await replyTo(a!, request.id);
    await waitDelta(a!, reply.id, 0);
    const late = await connect(carol);
    await late.join(room);
    const caughtUp = await late.next((f) => f.type === "message" && f.message.id === reply.id);
    assert.equal((caughtUp as Frame<"message">).message.content, "c0c1");
    assert.equal((caughtUp as Frame<"message">).message.streaming, true);
    fixture.release("join");
    const final = await finalOf(late, reply.id);
    assert.equal(final.content, "c0c1c2c3c4");
    const { text, indices } = assembled(late, reply.id);
    assert.equal(text, final.content);
    assert.deepEqual(indices, [1, 2, 3]);
    assert.equal(late.frames.filter((f) => f.type === "message" && f.message.id === reply.id).length, 1);
  });

  test("a socket re-joining with since mid-stream gets the text generated while it was away, then the rest", async () => {
    const { room, sockets: [a, b] } = await roomWith(alice, bob);
    fixture.script("rejoin", { chunks: ["r0", "r1", "r2", "r3", "r4", "r5"], holdAt: [2, 4] });
    const request = await ask(a!, room, `@${bot.name} go on [t:rejoin]`);
    const reply = await replyTo(b!, request.id);
    await waitDelta(b!, reply.id, 0);
    await b!.close();
    fixture.release("rejoin");
    await waitDelta(a!, reply.id, 2);
    const back = await connect(bob);
    await back.join(room, request.seq);
    const caughtUp = (await back.next((f) => f.type === "message" && f.message.id === reply.id)) as Frame<"message">;
    assert.equal(caughtUp.message.content, "r0r1r2r3");
    fixture.release("rejoin");
    const final = await finalOf(back, reply.id);
    assert.equal(final.content, "r0r1r2r3r4r5");
    const { text, indices } = assembled(back, reply.id);
    assert.equal(text, final.content);
    assert.deepEqual(indices, [3, 4]);
    assert.ok(gapFree(indices, 3));
  });
});

describe("one generation per user, and cancel", () => {
  test("a second request while the first runs is refused with CONFLICT naming it; cancel by the requester aborts the provider request", async () => {
    const { room, sockets: [a, b] } = await roomWith(alice, bob);
    fixture.script("first", { chunks: ["f0", "f1", "f2"], holdAt: [2] });
    const request = await ask(a!, room, `@${bot.name} first [t:first]`);
    const reply = await replyTo(b!, request.id);
    await waitDelta(b!, reply.id, 0);

    const second = await a!.request({ type: "send", room, content: `@${bot.name} second [t:second]` });
    assert.equal(second.type, "error", JSON.stringify(second));
    assert.equal((second as Frame<"error">).code, "CONFLICT");
    assert.match((second as Frame<"error">).message, new RegExp(reply.id));
    assert.match((second as Frame<"error">).message, new RegExp(request.id));

    const from = b!.frames.length;
    const cancelled = await a!.request({ type: "cancel", room, message: reply.id });
    assert.equal(cancelled.type, "ack", JSON.stringify(cancelled));
    assert.equal(await (await fixture.request("first")).ended, "aborted");
    const final = await finalOf(b!, reply.id, from);
    assert.equal((final.meta as Record<string, unknown>).finish, "cancelled");
    assert.equal(final.content, "f0f1");
    // The refused request was never stored nor sent to the provider.
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
    assert.ok(!history.body.messages.some((m) => m.content.includes("[t:second]")));
    assert.ok(!fixture.requests.some((r) => r.tag === "second"));
    // The lock is free again.
    fixture.script("third", { chunks: ["ok"] });
    const third = await ask(a!, room, `@${bot.name} third [t:third]`);
    assert.equal((await finalOf(b!, (await replyTo(b!, third.id)).id)).content, "ok");
  });

  test("a moderator may stop someone's reply, a plain member may not; cancelling before the first token works too", async () => {
    const { room, sockets: [a, b, c] } = await roomWith(alice, bob, carol);
    fixture.script("mod", { chunks: ["m0"], holdAt: [0] });
    const request = await ask(b!, room, `@${bot.name} wait [t:mod]`);
    const upstream = await fixture.request("mod");
    const refused = await c!.request({ type: "cancel", room, message: request.id });
    assert.equal(refused.type, "error");
    assert.equal((refused as Frame<"error">).code, "FORBIDDEN");
    const from = b!.frames.length;
    const stopped = await a!.request({ type: "cancel", room, message: request.id });
    assert.equal(stopped.type, "ack", JSON.stringify(stopped));
    assert.equal(await upstream.ended, "aborted");
    const reply = await replyTo(b!, request.id, from);
    const final = await finalOf(b!, reply.id, from);
    assert.equal((final.meta as Record<string, unknown>).finish, "cancelled");
    assert.equal(final.content, "");
  });

  test("a generation nobody watches is cancelled: the requester left and nobody is in the room", async () => {
    const [dave] = await users(server, ["dave"]);
    const room = await createRoom(server.url, dave);
    const socket = await connect(dave);
    await socket.join(room);
    fixture.script("idle", { chunks: ["i0", "i1", "i2"], holdAt: [2] });
    const request = await ask(socket, room, `@${bot.name} alone [t:idle]`);
    const reply = await replyTo(socket, request.id);
    await waitDelta(socket, reply.id, 0);
    await socket.close();
    assert.equal(await (await fixture.request("idle")).ended, "aborted");
    let final: Message | undefined;
    await waitFor(
      async () => {
        const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: dave.token });
        final = history.body.messages.find((m) => m.id === reply.id);
        return final?.streaming === false;
      },
      { what: "the reply to end" },
    );
    assert.equal((final!.meta as Record<string, unknown>).finish, "cancelled");
    assert.equal(final!.content, "i0i1");
  });
});

describe("failures", () => {
  test("a provider error finishes the reply with finish error and a note; the room keeps working", async () => {
    const { room, sockets: [a, b] } = await roomWith(alice, bob);
    fixture.script("boom", { status: 500 });
    const request = await ask(a!, room, `@${bot.name} fail [t:boom]`);
    const reply = await replyTo(b!, request.id);
    const final = await finalOf(b!, reply.id);
    const meta = final.meta as Record<string, unknown>;
    assert.equal(meta.finish, "error");
    assert.equal(typeof meta.note, "string");
    assert.match(final.content, /HTTP 500/);
    const plain = await ask(a!, room, "still here");
    await b!.next((f) => f.type === "message" && f.message.id === plain.id);
  });
});

describe("what the prompt holds", () => {
  test("never others' private messages, never blocked users' words, never system lines", async () => {
    const [dave] = await users(server, ["dave"]);
    const { room, sockets: [a, b, c, d] } = await roomWith(alice, bob, carol, dave);
    const blocked = await api(server.url, "POST", "/api/blocks", { token: alice.token, body: { user: dave.id } });
    assert.equal(blocked.status, 204);
    await ask(b!, room, "secret-for-carol", { to: carol.id });
    await ask(a!, room, "alice-to-bob-private", { to: bob.id });
    await ask(d!, room, "words-of-dave");
    await ask(c!, room, "carol-says-hi");
    fixture.script("privacy", { chunks: ["fine"] });
    const request = await ask(a!, room, `@${bot.name} summarize [t:privacy]`);
    await finalOf(a!, (await replyTo(a!, request.id)).id);
    const prompt = JSON.stringify((await fixture.request("privacy")).messages);
    assert.ok(prompt.includes("carol-says-hi"), "visible history is there");
    assert.ok(prompt.includes("alice-to-bob-private"), "the requester's own private message is theirs to share");
    assert.ok(!prompt.includes("secret-for-carol"), "others' private messages never");
    assert.ok(!prompt.includes("words-of-dave"), "blocked users never");
    assert.ok(!/joined/.test(prompt), "no system lines");
  });
});

describe("the room switch and the account", () => {
  test("with the assistant turned off a mention starts nothing, and it is no longer a member", async () => {
    const created = await api<{ id: string; members: Array<{ id: string }> }>(server.url, "POST", "/api/rooms", {
      token: alice.token,
      body: { name: `r${randomUUID().slice(0, 8)}`, visibility: "public" },
    });
    assert.ok(created.body.members.some((m) => m.id === bot.user), "a member of a new room from the start");
    const { room, sockets: [a] } = await roomWith(alice);
    const detail = await api<{ members: Array<{ id: string }> }>(server.url, "GET", `/api/rooms/${room}`, { token: alice.token });
    assert.ok(detail.body.members.some((m) => m.id === bot.user), "a member where enabled");
    const off = await api<{ settings: Record<string, unknown>; members: Array<{ id: string }> }>(server.url, "PATCH", `/api/rooms/${room}`, {
      token: alice.token,
      body: { assistant: false },
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.settings.assistant, false);
    assert.ok(!off.body.members.some((m) => m.id === bot.user));
    await a!.next((f) => f.type === "member" && f.user.id === bot.user && f.event === "left");
    await ask(a!, room, `@${bot.name} anyone? [t:off]`);
    // Had that started a generation, this one would be refused with CONFLICT.
    const other = await roomWith(alice);
    fixture.script("on", { chunks: ["yes"] });
    const request = await ask(other.sockets[0]!, other.room, `@${bot.name} here? [t:on]`);
    await finalOf(other.sockets[0]!, (await replyTo(other.sockets[0]!, request.id)).id);
    assert.ok(!fixture.requests.some((r) => r.tag === "off"));
  });

  test("the assistant's account cannot sign in, nor be registered, nor count as the site's first user", async () => {
    const res = await api(server.url, "POST", "/api/token", { body: { username: bot.name, password: "!bot" } });
    assert.equal(res.status, 401);
    const taken = await api(server.url, "POST", "/api/register", { body: { username: bot.name, password: "a long password" } });
    assert.equal(taken.status, 409);
    const me = await api<{ site_admin: boolean }>(server.url, "GET", "/api/me", { token: siteAdmin.token });
    assert.equal(me.body.site_admin, true, "the first person registered administers the site");
  });

  test("the metrics", async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    for (const name of ["confab_ai_ttft_seconds_count", "confab_ai_generation_seconds_count", "confab_ai_tokens_total", "confab_ai_errors_total", "confab_ai_active_generations"]) {
      assert.ok(text.includes(name), name);
    }
  });
});

describe("the text so far in the database", () => {
  test("a streaming reply's text so far is not searched (its terms come with the final text); a person's meta cannot hide a message from search", async () => {
    const { room, sockets: [a] } = await roomWith(alice, bob);
    const word = (stem: string) => `${stem}${randomUUID().replace(/[^a-f]/g, "").slice(0, 8)}`;
    const [early, late] = [word("partial"), word("final")];
    const search = async (q: string) => {
      const res = await api<{ results: Array<{ message: Message }> }>(server.url, "GET", `/api/search?${new URLSearchParams({ q })}`, { token: alice.token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.results.map((r) => r.message.id);
    };
    fixture.script("unsearched", { chunks: ["so ", `${early} `, "and ", late], holdAt: [3] });
    const request = await ask(a!, room, `@${bot.name} words [t:unsearched]`);
    const reply = await replyTo(a!, request.id);
    // Held before the last chunk until a periodic write has put the text so far in the row.
    await waitFor(async () => {
      const page = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
      const row = page.body.messages.find((m) => m.id === reply.id);
      return row?.streaming === true && row.content.includes(early);
    }, { timeoutMs: 10_000, what: "the text so far in the row" });
    assert.deepEqual(await search(early), [], "the text so far is not searchable");
    fixture.release("unsearched");
    const final = await finalOf(a!, reply.id);
    assert.equal(final.content, `so ${early} and ${late}`);
    assert.deepEqual(await search(early), [reply.id]);
    assert.deepEqual(await search(late), [reply.id]);
    // Only the server marks a row partial: a person claiming streaming in meta is still searched.
    const claimed = word("claimed");
    const ack = await a!.request({ type: "send", id: randomUUID(), room, content: `look ${claimed}`, meta: { streaming: true } });
    assert.equal(ack.type, "ack", JSON.stringify(ack));
    assert.deepEqual(await search(claimed), [(ack as Frame<"ack">).message.id]);
  });

  // Writes a second apart, several delta windows (300 ms with 12 replies running): every
  // streaming reply has new text at each write.
  let spaced: TestServer;
  before(async () => {
    spaced = await startServer(aiEnv(fixture, { ...env, AI_FLUSH_MS: "1000" }));
  });
  after(() => spaced.stop());

  test("with more replies streaming than one write covers, every reply's row gets its text while it streams", { timeout: 60_000 }, async () => {
    // One write takes 10 replies (FLUSH_MAX_ROWS). These 12 stream without a pause, so the first
    // 10 are behind again at every write: only the rotation lets the last 2 be written.
    const [owner, ...askers] = await users(spaced, Array.from({ length: 13 }, (_, i) => `rotor${i}`));
    const { name } = await assistantOf(spaced, owner!);
    const { room, sockets: [watcher, ...asking] } = await roomOn(spaced, owner!, ...askers);
    const tags = askers.map(() => `rotate-${randomUUID()}`);
    for (const tag of tags) fixture.script(tag, { chunks: Array.from({ length: 800 }, (_, i) => `${i} `), delayMs: 6 });
    const requests = await Promise.all(asking.map((socket, i) => ask(socket, room, `@${name} count [t:${tags[i]}]`)));
    const started = await Promise.all(requests.map((request) => replyTo(watcher!, request.id)));
    const replies = started.map((m) => m.id);
    // A reply's row is stored with its first token; anything longer was written since.
    const firstText = new Map(started.map((m) => [m.id, m.content]));
    const writtenMidStream = new Set<string>();
    while (writtenMidStream.size < replies.length) {
      const page = await api<{ messages: Message[] }>(spaced.url, "GET", `/api/rooms/${room}/messages?limit=50`, { token: owner!.token });
      const rows = page.body.messages.filter((m) => replies.includes(m.id));
      for (const row of rows) if (row.streaming && row.content.length > firstText.get(row.id)!.length) writtenMidStream.add(row.id);
      if (rows.every((row) => !row.streaming)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(writtenMidStream.size, replies.length, `${writtenMidStream.size} of ${replies.length} rows had text while streaming`);
    await Promise.all(replies.map((reply) => finalOf(watcher!, reply, 0, 30_000)));
  });
});

describe("a provider that stalls, and the AI rate limit", () => {
  let slow: TestServer;
  before(async () => {
    slow = await startServer(aiEnv(fixture, { ...env, AI_TIMEOUT_MS: "500", RATE_AI_PER_MIN: "2" }));
  });
  after(() => slow.stop());

  test("times out: finish error with a note, and the provider request is aborted", async () => {
    const [user] = await users(slow, ["erin"]);
    const room = await createRoom(slow.url, user);
    const socket = await connect(user, slow);
    await socket.join(room);
    fixture.script("stall", { chunks: ["never"], holdAt: [0] });
    const request = await ask(socket, room, `@assistant hello? [t:stall] ${randomUUID()}`);
    const reply = await replyTo(socket, request.id);
    const final = await finalOf(socket, reply.id);
    const meta = final.meta as Record<string, unknown>;
    assert.equal(meta.finish, "error");
    assert.equal(meta.reason, "timeout");
    assert.equal(typeof meta.note, "string");
    assert.equal(await (await fixture.request("stall")).ended, "aborted");
  });

  test("RATE_AI_PER_MIN bounds a user's requests: beyond it the send is refused and nothing is stored", async () => {
    const [user] = await users(slow, ["fay"]);
    const room = await createRoom(slow.url, user);
    const socket = await connect(user, slow);
    await socket.join(room);
    for (const tag of ["rate1", "rate2"]) {
      fixture.script(tag, { chunks: ["ok"] });
      const request = await ask(socket, room, `@assistant once more [t:${tag}]`);
      await finalOf(socket, (await replyTo(socket, request.id)).id);
    }
    const refused = await socket.request({ type: "send", room, content: "@assistant and again [t:rate3]" });
    assert.equal(refused.type, "error", JSON.stringify(refused));
    assert.equal((refused as Frame<"error">).code, "RATE_LIMITED");
    assert.equal(typeof (refused as Frame<"error">).retry_after_ms, "number");
    // Messages that do not ask the assistant are not charged.
    await ask(socket, room, "plain words");
    const history = await api<{ messages: Message[] }>(slow.url, "GET", `/api/rooms/${room}/messages`, { token: user.token });
    assert.ok(!history.body.messages.some((m) => m.content.includes("[t:rate3]")));
  });
});
