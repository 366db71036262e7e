/**
 * A socket that stops reading while a reply streams (docs/ai.md, "Deltas after people's
 * messages"): once its send buffer is full the server holds that socket's deltas instead of
 * adding to it, so a person's message sent meanwhile reaches it ahead of them; when it reads
 * again it still gets every delta once, in order, and exactly the reply's text.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { AiFixture } from "../support/ai-fixture";
import { createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/**
 * 120 chunks of 64 KB: 7.5 MB, well past what loopback TCP buffers absorb for a reader that
 * does not read (about 4 MB here) plus the server's 256 KB hold bound, and short of the 8 MB of
 * held deltas at which the server gives up on the socket.
 */
const BIG_CHUNKS = 120;
const CHUNK = "x".repeat(64 * 1024);

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
    // The row is written once, at the end: nothing here is about the text so far in the database.
    AI_FLUSH_MS: "60000",
    RATE_AI_PER_MIN: "100000",
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

/** The TCP stream under a client socket: pausing it stops reading, so the server's send buffer fills. */
const tcpOf = (socket: TestSocket) => (socket.ws as unknown as { _socket: Socket })._socket;

const indexOf = (socket: TestSocket, match: (f: ServerFrame) => boolean) => socket.frames.findIndex(match);

describe("a socket that stops reading while a reply streams", () => {
  test("a person's message overtakes the deltas held for it; reading again, it gets every delta once, in order, and the exact text", async () => {
    const room = await createRoom(server.url, alice);
    const a = await connect(alice);
    const c = await connect(carol);
    await a.join(room);
    await c.join(room);
    fixture.script("slow", { chunks: [...Array.from({ length: BIG_CHUNKS }, () => CHUNK), "end"], holdAt: [BIG_CHUNKS] });
    tcpOf(c).pause();

    const asked = await a.request({ type: "send", id: randomUUID(), room, content: "@assistant write a lot [t:slow]" });
    assert.equal(asked.type, "ack", JSON.stringify(asked));
    const request = (asked as Frame<"ack">).message;
    const reply = ((await a.next((f) => f.type === "message" && f.message.reply_to === request.id, { timeoutMs: 20_000 })) as Frame<"message">).message;
    // Every big chunk has been published (the first is the reply's message, the rest deltas 0…118).
    const lastBig = BIG_CHUNKS - 2;
    await a.next((f) => f.type === "delta" && f.message === reply.id && f.index === lastBig, { timeoutMs: 60_000 });

    const hello = await a.request({ type: "send", id: randomUUID(), room, content: "hello, slow reader" });
    assert.equal(hello.type, "ack", JSON.stringify(hello));
    const human = (hello as Frame<"ack">).message;
    // The room's fan-out of the person's message is done once its sender has it.
    await a.next((f) => f.type === "message" && f.message.id === human.id);

    fixture.release("slow");
    tcpOf(c).resume();
    const final = ((await c.next((f) => f.type === "message_updated" && f.message.id === reply.id && f.message.streaming === false, { timeoutMs: 60_000 })) as Frame<"message_updated">)
      .message as Message;
    assert.equal(final.content, CHUNK.repeat(BIG_CHUNKS) + "end");

    const at = indexOf(c, (f) => f.type === "message" && f.message.id === human.id);
    const lastBigAt = indexOf(c, (f) => f.type === "delta" && f.message === reply.id && f.index === lastBig);
    assert.ok(at >= 0 && lastBigAt >= 0, "the slow reader got both");
    assert.ok(at < lastBigAt, `the person's message (frame ${at}) went ahead of deltas published before it (delta ${lastBig} at frame ${lastBigAt})`);

    let text = "";
    const indices: number[] = [];
    for (const f of c.frames) {
      if (f.type === "message" && f.message.id === reply.id) text = f.message.content;
      else if (f.type === "delta" && f.message === reply.id) {
        text += f.text;
        indices.push(f.index);
      }
    }
    assert.deepEqual(
      indices,
      indices.map((_, i) => i),
      "indexes 0, 1, 2… each once, in order",
    );
    assert.equal(indices.length, BIG_CHUNKS, "119 big deltas and the last piece");
    assert.equal(text, final.content, "the reply's message and its deltas are exactly its text");
    assert.equal(c.closeCode, null, "the slow reader was not dropped");
  });
});
