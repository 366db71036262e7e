/**
 * The assistant's event streams and idle cancel across three instances on one Postgres and one
 * Redis: a reply generated on A reaches an SSE reader on B; a reader who resumes with
 * Last-Event-ID on C, an instance that never followed the room, gets the text it missed as one
 * catch-up delta (C asks A where the reader's last delta ends); and a reply whose requester
 * left A but keeps a socket on B is not idle-cancelled until that socket goes too.
 * Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { AiFixture } from "../support/ai-fixture";
import { createRoom, registerUser, sleep, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";
import { SseClient, type SseEvent } from "../support/sse";

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

const IDLE_CANCEL_MS = 3_000;

let fixture: AiFixture;
let A: TestServer;
let B: TestServer;
let C: TestServer;
let alice: TestUser;
let bob: TestUser;
const sockets: TestSocket[] = [];
const streams: SseClient[] = [];

before(async () => {
  fixture = await AiFixture.start();
  const env = {
    ...servicesEnv(),
    AI_BASE_URL: fixture.url,
    AI_MODEL: "fixture-model",
    AI_FLUSH_MS: "20",
    RATE_AI_PER_MIN: "100000",
    AI_IDLE_CANCEL_MS: String(IDLE_CANCEL_MS),
  };
  const started = await Promise.allSettled([startServer(env), startServer(env), startServer(env)]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  [A, B, C] = started.map((r) => (r as PromiseFulfilledResult<TestServer>).value) as [TestServer, TestServer, TestServer];
  [alice, bob] = await Promise.all([registerUser(A.url, "alice"), registerUser(B.url, "bob")]);
});

after(async () => {
  for (const stream of streams) stream.close();
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop(), C?.stop()]);
  await fixture.close();
});

async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

async function open(server: TestServer, user: TestUser, room: string, lastEventId?: string): Promise<SseClient> {
  const stream = await SseClient.open(server.url, room, { token: user.token, ...(lastEventId ? { lastEventId } : {}) });
  assert.equal(stream.status, 200);
  streams.push(stream);
  return stream;
}

async function ask(socket: TestSocket, room: string, content: string): Promise<Message> {
  const answer = await socket.request({ type: "send", room, content });
  assert.equal(answer.type, "ack", JSON.stringify(answer));
  return (answer as Frame<"ack">).message;
}

const isReply = (request: string) => (e: SseEvent) => e.data.type === "message" && e.data.message.reply_to === request;
const isFinal = (reply: string) => (e: SseEvent) => e.data.type === "message_updated" && e.data.message.id === reply && e.data.message.streaming === false;
const isDelta = (reply: string) => (e: SseEvent) => e.data.type === "delta" && e.data.message === reply;

/** The reply's text from events: a message (or update) replaces it, deltas append. */
function assembled(events: SseEvent[], reply: string, text = ""): string {
  for (const { data } of events) {
    if ((data.type === "message" || data.type === "message_updated") && data.message.id === reply) text = data.message.content;
    else if (data.type === "delta" && data.message === reply) text += data.text;
  }
  return text;
}

/** A socket's text of the reply so far: its `message` plus the deltas after it. */
function socketText(socket: TestSocket, reply: string): string {
  let text = "";
  for (const f of socket.frames) {
    if (f.type === "message" && f.message.id === reply) text = f.message.content;
    else if (f.type === "delta" && f.message === reply) text += f.text;
  }
  return text;
}

async function waitSocketText(socket: TestSocket, reply: string, text: string): Promise<void> {
  await socket.next(() => socketText(socket, reply) === text, { timeoutMs: 10_000 }).catch(() => {
    throw new Error(`socket text of ${reply}: ${JSON.stringify(socketText(socket, reply))}, expected ${JSON.stringify(text)}`);
  });
}

describe("the assistant's event streams across instances", () => {
  test("an SSE reader on B follows a reply generated on A: message, deltas with <seq>.<index> ids, final update", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    await a.join(room);
    const reader = await open(B, alice, room);
    fixture.script("sse-across", { chunks: ["a0", "a1", "a2", "a3"] });
    const request = await ask(a, room, "@assistant stream it [t:sse-across]");
    const reply = ((await reader.next(isReply(request.id), { timeoutMs: 10_000 })).data as Frame<"message">).message;
    assert.equal(reply.streaming, true);
    const final = ((await reader.next(isFinal(reply.id), { timeoutMs: 10_000 })).data as Frame<"message_updated">).message;
    assert.equal(final.content, "a0a1a2a3");
    const deltas = reader.events.filter(isDelta(reply.id));
    assert.deepEqual(
      deltas.map((e) => e.id),
      deltas.map((_, i) => `${reply.seq}.${i}`),
      "ids name the reply's seq and gap-free indexes",
    );
    assert.equal(assembled(reader.events.filter((e) => e.event !== "message_updated"), reply.id), final.content);
  });

  test("a reader who read on B resumes with Last-Event-ID on C (which never followed the room): one catch-up delta, then the rest, nothing twice", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    await a.join(room);
    const first = await open(B, alice, room);
    fixture.script("sse-third", { chunks: ["t0", "t1", "t2", "t3", "t4", "t5"], holdAt: [2, 4] });
    const request = await ask(a, room, "@assistant go on [t:sse-third]");
    const reply = ((await first.next(isReply(request.id), { timeoutMs: 10_000 })).data as Frame<"message">).message;
    await first.next(() => assembled(first.events, reply.id) === "t0t1", { timeoutMs: 10_000 });
    first.close();
    const lastId = first.lastEventId!;
    assert.match(lastId, new RegExp(`^${reply.seq}\\.\\d+$`), "the reader stopped at one of the reply's deltas");

    // Generated while the reader is away: t2 and t3.
    fixture.release("sse-third");
    await waitSocketText(a, reply.id, "t0t1t2t3");
    const resumed = await open(C, alice, room, lastId);
    const catchUp = await resumed.next(isDelta(reply.id), { timeoutMs: 10_000 });
    assert.equal(catchUp.event, "delta", "the missed text comes as a delta, not as a replacing message_updated");
    assert.equal((catchUp.data as Frame<"delta">).text, "t2t3");
    assert.equal(catchUp.id, `${reply.seq}.${(catchUp.data as Frame<"delta">).index}`);

    fixture.release("sse-third");
    const final = ((await resumed.next(isFinal(reply.id), { timeoutMs: 10_000 })).data as Frame<"message_updated">).message;
    assert.equal(final.content, "t0t1t2t3t4t5");
    const events = resumed.events.filter((e) => e.data.type !== "typing");
    assert.equal(events.filter((e) => e.data.type === "message" && e.data.message.id === reply.id).length, 0, "the reply is not sent again");
    assert.equal(events.filter((e) => e.data.type === "message_updated" && e.data.message.streaming === true).length, 0, "nothing replaces the reader's text");
    const indexes = events.filter(isDelta(reply.id)).map((e) => (e.data as Frame<"delta">).index);
    assert.ok(
      indexes.every((index, i) => i === 0 || index === indexes[i - 1]! + 1),
      `gap-free indexes: ${indexes.join(",")}`,
    );
    assert.equal(assembled(events.filter((e) => e.event === "delta"), reply.id, "t0t1"), final.content, "every piece once, nothing missing");
  });
});

describe("idle cancel across instances", () => {
  test("a requester who left the generating instance but keeps a socket on another is still watching; when that goes too, the reply is cancelled and the provider request aborted", async () => {
    const room = await createRoom(A.url, bob);
    const asking = await connect(A, bob);
    await asking.join(room);
    // Bob's socket on B joins nothing: the requester's own socket counts, anywhere.
    const elsewhere = await connect(B, bob);
    fixture.script("idle-across", { chunks: ["i0", "i1", "i2"], holdAt: [1] });
    const request = await ask(asking, room, "@assistant think [t:idle-across]");
    const reply = (await asking.next((f) => f.type === "message" && f.message.reply_to === request.id, { timeoutMs: 10_000 })) as Frame<"message">;
    const upstream = await fixture.request("idle-across");
    await asking.close();

    // Nobody watches on A: A must learn from B that bob is still there, round after round. Two
    // idle periods without a local watcher would have cancelled it.
    await sleep(2 * IDLE_CANCEL_MS + 500);
    assert.equal(upstream.aborted, false, "the reply kept going while bob had a socket on B");

    await elsewhere.close();
    assert.equal(await upstream.ended, "aborted", "with bob gone everywhere and nobody in the room, the provider request is aborted");
    const watcher = await connect(C, bob);
    await watcher.join(room, request.seq);
    const final = (await watcher.next((f) => (f.type === "message" || f.type === "message_updated") && f.message.id === reply.message.id && f.message.streaming === false, {
      timeoutMs: 10_000,
    })) as Frame<"message_updated">;
    const meta = final.message.meta as Record<string, unknown>;
    assert.equal(meta.finish, "cancelled");
    assert.equal(meta.reason, "unwatched");
    assert.equal(final.message.content, "i0");
  });
});
