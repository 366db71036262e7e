/**
 * The AI assistant across two instances on one Postgres and one Redis: a reply generated on A
 * streams to members on B, catch-up on B asks A for the text so far over the bus, and a cancel
 * sent to B aborts A's provider request. Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { AiFixture } from "../support/ai-fixture";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

let fixture: AiFixture;
let A: TestServer;
let B: TestServer;
let alice: TestUser;
let bob: TestUser;
let bot: string;
const sockets: TestSocket[] = [];

before(async () => {
  fixture = await AiFixture.start();
  const env = { ...servicesEnv(), AI_BASE_URL: fixture.url, AI_MODEL: "fixture-model", AI_FLUSH_MS: "20", RATE_AI_PER_MIN: "100000" };
  const started = await Promise.allSettled([startServer(env), startServer(env)]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  [A, B] = started.map((r) => (r as PromiseFulfilledResult<TestServer>).value) as [TestServer, TestServer];
  [alice, bob] = await Promise.all([registerUser(A.url, "alice"), registerUser(B.url, "bob")]);
  const me = await api<{ assistant: { enabled: boolean; user: string } }>(B.url, "GET", "/api/me", { token: bob.token });
  assert.equal(me.body.assistant.enabled, true);
  bot = me.body.assistant.user;
});

after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop()]);
  await fixture.close();
});

async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

async function ask(socket: TestSocket, room: string, content: string): Promise<Message> {
  const answer = await socket.request({ type: "send", room, content });
  assert.equal(answer.type, "ack", JSON.stringify(answer));
  return (answer as Frame<"ack">).message;
}

const replyTo = (socket: TestSocket, request: string) =>
  socket.next((f) => f.type === "message" && f.message.reply_to === request, { timeoutMs: 10_000 }).then((f) => (f as Frame<"message">).message);

const finalOf = (socket: TestSocket, reply: string) =>
  socket
    .next((f) => f.type === "message_updated" && f.message.id === reply && f.message.streaming === false, { timeoutMs: 10_000 })
    .then((f) => (f as Frame<"message_updated">).message);

const waitDelta = (socket: TestSocket, reply: string, index: number) =>
  socket.next((f) => f.type === "delta" && f.message === reply && f.index === index, { timeoutMs: 10_000 });

/** The content of the socket's last `message` frame of the reply plus the deltas after it. */
function assembled(socket: TestSocket, reply: string): { text: string; indices: number[]; messages: number } {
  let text = "";
  let indices: number[] = [];
  let messages = 0;
  for (const frame of socket.frames) {
    if (frame.type === "message" && frame.message.id === reply) {
      text = frame.message.content;
      indices = [];
      messages++;
    } else if (frame.type === "delta" && frame.message === reply) {
      text += frame.text;
      indices.push(frame.index);
    }
  }
  return { text, indices, messages };
}

describe("the assistant on two instances", () => {
  test("a request on A streams to a member on B: message, gap-free deltas, final update; the assistant types on B", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    const b = await connect(B, bob);
    await a.join(room);
    await b.join(room);
    fixture.script("across", { chunks: ["x0", "x1", "x2", "x3", "x4"] });
    const request = await ask(a, room, `@assistant across [t:across]`);
    const reply = await replyTo(b, request.id);
    assert.equal(reply.sender, bot);
    assert.equal(reply.streaming, true);
    const final = await finalOf(b, reply.id);
    assert.equal(final.content, "x0x1x2x3x4");
    const { text, indices, messages } = assembled(b, reply.id);
    assert.equal(text, final.content);
    assert.deepEqual(indices, [0, 1, 2, 3]);
    assert.equal(messages, 1);
    assert.ok(b.frames.some((f) => f.type === "typing" && f.users.includes(bot)), "B shows the assistant typing");
  });

  test("a member who reconnects from A to B mid-stream gets the full text exactly once", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    const first = await connect(A, bob);
    await a.join(room);
    await first.join(room);
    fixture.script("move", { chunks: ["m0", "m1", "m2", "m3", "m4", "m5"], holdAt: [2, 4] });
    const request = await ask(a, room, `@assistant move [t:move]`);
    const reply = await replyTo(first, request.id);
    await waitDelta(first, reply.id, 0);
    await first.close();
    fixture.release("move");
    // Generated while bob was away: deltas 1 and 2.
    await waitDelta(a, reply.id, 2);

    const moved = await connect(B, bob);
    await moved.join(room, request.seq);
    const caughtUp = (await moved.next((f) => f.type === "message" && f.message.id === reply.id)) as Frame<"message">;
    assert.equal(caughtUp.message.content, "m0m1m2m3");
    assert.equal(caughtUp.message.streaming, true);
    fixture.release("move");
    const final = await finalOf(moved, reply.id);
    assert.equal(final.content, "m0m1m2m3m4m5");
    const { text, indices, messages } = assembled(moved, reply.id);
    assert.equal(text, final.content, "every piece once, nothing missing");
    assert.deepEqual(indices, [3, 4]);
    assert.equal(messages, 1);
  });

  test("a cancel sent to B aborts the provider request running on A", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice);
    const elsewhere = await connect(B, alice);
    await a.join(room);
    await elsewhere.join(room);
    fixture.script("stop", { chunks: ["s0", "s1", "s2"], holdAt: [2] });
    const request = await ask(a, room, `@assistant stop me [t:stop]`);
    const reply = await replyTo(elsewhere, request.id);
    await waitDelta(elsewhere, reply.id, 0);
    const answer = await elsewhere.request({ type: "cancel", room, message: reply.id });
    assert.equal(answer.type, "ack", JSON.stringify(answer));
    assert.equal(await (await fixture.request("stop")).ended, "aborted");
    const final = await finalOf(elsewhere, reply.id);
    assert.equal((final.meta as Record<string, unknown>).finish, "cancelled");
    assert.equal(final.content, "s0s1");
  });
});
