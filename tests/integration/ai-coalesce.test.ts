/**
 * Coalesced deltas (docs/ai.md, "Coalescing"): with the window on for every reply
 * (AI_COALESCE_FROM=1), a burst of provider chunks goes out as fewer deltas whose indexes are
 * still 0, 1, 2… gap-free and whose text is the reply's; the first token is still the reply's
 * `message`; a socket joining mid-stream catches up with no duplicate or missing text.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { AiFixture } from "../support/ai-fixture";
import { createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

let fixture: AiFixture;
let server: TestServer;
let alice: TestUser;
let carol: TestUser;
const sockets: TestSocket[] = [];

before(async () => {
  fixture = await AiFixture.start();
  server = await startServer({
    AI_BASE_URL: fixture.url,
    AI_MODEL: "fixture-model",
    AI_FLUSH_MS: "20",
    RATE_AI_PER_MIN: "100000",
    AI_COALESCE_FROM: "1",
    AI_DELTA_WINDOW_MS: "300",
  });
  [alice, carol] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "carol")]);
});
after(async () => {
  await Promise.all(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await server.stop();
  await fixture.close();
});

async function connect(user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

async function ask(socket: TestSocket, room: string, content: string): Promise<Message> {
  const answer = await socket.request({ type: "send", id: randomUUID(), room, content });
  assert.equal(answer.type, "ack", JSON.stringify(answer));
  return (answer as Frame<"ack">).message;
}

const replyTo = (socket: TestSocket, request: string) =>
  socket.next((f) => f.type === "message" && f.message.reply_to === request, { timeoutMs: 10_000 }).then((f) => (f as Frame<"message">).message);
const finalOf = (socket: TestSocket, reply: string) =>
  socket
    .next((f) => f.type === "message_updated" && f.message.id === reply && f.message.streaming === false, { timeoutMs: 10_000 })
    .then((f) => (f as Frame<"message_updated">).message);

/** The socket's last `message` of the reply plus the deltas after it. */
function assembled(socket: TestSocket, reply: string): { text: string; indices: number[]; messages: number } {
  let text = "";
  let indices: number[] = [];
  let messages = 0;
  for (const f of socket.frames) {
    if (f.type === "message" && f.message.id === reply) {
      text = f.message.content;
      indices = [];
      messages++;
    } else if (f.type === "delta" && f.message === reply) {
      text += f.text;
      indices.push(f.index);
    }
  }
  return { text, indices, messages };
}

const gapFree = (indices: number[], from: number) => indices.every((index, i) => index === from + i);

describe("coalesced deltas", () => {
  test("a burst of chunks: the first is the message, the rest fewer deltas, gap-free from 0, exactly the reply's text", async () => {
    const room = await createRoom(server.url, alice);
    const a = await connect(alice);
    await a.join(room);
    const chunks = Array.from({ length: 12 }, (_, i) => `w${i} `);
    fixture.script("burst", { chunks });
    const request = await ask(a, room, "@assistant burst [t:burst]");
    const reply = await replyTo(a, request.id);
    assert.equal(reply.content, "w0 ", "the first token goes out alone, at once");
    const final = await finalOf(a, reply.id);
    assert.equal(final.content, chunks.join(""));
    const { text, indices, messages } = assembled(a, reply.id);
    assert.equal(messages, 1);
    assert.equal(text, final.content, "message + deltas is the reply, nothing twice or missing");
    assert.ok(gapFree(indices, 0), `gap-free from 0: ${indices.join(",")}`);
    assert.ok(indices.length < chunks.length - 1, `11 chunks sent back to back within a 300 ms window coalesce (got ${indices.length} deltas)`);
  });

  test("a socket joining mid-stream gets the published text and the deltas after it, each piece once", async () => {
    const room = await createRoom(server.url, alice);
    const a = await connect(alice);
    await a.join(room);
    fixture.script("join", { chunks: ["j0", "j1", "j2", "j3", "j4", "j5", "j6"], holdAt: [3] });
    const request = await ask(a, room, "@assistant join [t:join]");
    const reply = await replyTo(a, request.id);
    await a.next(() => assembled(a, reply.id).text === "j0j1j2", { timeoutMs: 10_000 });
    const late = await connect(carol);
    await late.join(room);
    const caughtUp = (await late.next((f) => f.type === "message" && f.message.id === reply.id)) as Frame<"message">;
    assert.equal(caughtUp.message.content, "j0j1j2");
    const start = caughtUp.message.meta?.stream_index;
    assert.equal(typeof start, "number");
    fixture.release("join");
    const final = await finalOf(late, reply.id);
    assert.equal(final.content, "j0j1j2j3j4j5j6");
    const { text, indices, messages } = assembled(late, reply.id);
    assert.equal(messages, 1);
    assert.equal(text, final.content);
    assert.ok(gapFree(indices, start as number), `gap-free from ${String(start)}: ${indices.join(",")}`);
  });
});
