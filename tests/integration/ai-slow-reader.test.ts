/**
 * A socket that stops reading while a reply streams (docs/ai.md, "Deltas after people's
 * messages"): once its send buffer is full the server holds that socket's deltas instead of
 * adding to it, so a person's message sent meanwhile reaches it ahead of them; when it reads
 * again it still gets every delta once, in order, and exactly the reply's text.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { ServerFrame } from "@/protocol";
import type { AiFixture } from "../support/ai-fixture";
import { ask, assembled, finalOf, gapFree, replyTo, roomWith, startAiSuite, waitDelta, type AiSuite } from "../support/ai-suite";
import type { TestSocket, TestUser } from "../support/client";
import { users } from "../support/fixture";
import type { TestServer } from "../support/server";

/**
 * 120 chunks of 64 KB: 7.5 MB, well past what loopback TCP buffers absorb for a reader that
 * does not read (about 4 MB here) plus the server's 256 KB hold bound, and short of the 8 MB of
 * held deltas at which the server gives up on the socket.
 */
const BIG_CHUNKS = 120;
const CHUNK = "x".repeat(64 * 1024);

let suite: AiSuite;
let fixture: AiFixture;
let server: TestServer;
let alice: TestUser;
let carol: TestUser;

before(async () => {
  // The row is written once, at the end: nothing here is about the text so far in the database.
  suite = await startAiSuite({ AI_FLUSH_MS: "60000" });
  ({ fixture, server } = suite);
  [alice, carol] = await users(server, ["alice", "carol"]);
});
after(() => suite.stop());

/** The TCP stream under a client socket: pausing it stops reading, so the server's send buffer fills. */
const tcpOf = (socket: TestSocket) => (socket.ws as unknown as { _socket: Socket })._socket;

const indexOf = (socket: TestSocket, match: (f: ServerFrame) => boolean) => socket.frames.findIndex(match);

describe("a socket that stops reading while a reply streams", () => {
  test("a person's message overtakes the deltas held for it; reading again, it gets every delta once, in order, and the exact text", async () => {
    const { room, sockets: [a, c] } = await roomWith(server, alice, carol);
    fixture.script("slow", { chunks: [...Array.from({ length: BIG_CHUNKS }, () => CHUNK), "end"], holdAt: [BIG_CHUNKS] });
    tcpOf(c).pause();

    const request = await ask(a, room, "@assistant write a lot [t:slow]");
    const reply = await replyTo(a, request.id, 0, 20_000);
    // Every big chunk has been published (the first is the reply's message, the rest deltas 0…118).
    const lastBig = BIG_CHUNKS - 2;
    await waitDelta(a, reply.id, lastBig, 60_000);

    const human = await ask(a, room, "hello, slow reader");
    // The room's fan-out of the person's message is done once its sender has it.
    await a.next((f) => f.type === "message" && f.message.id === human.id);

    fixture.release("slow");
    tcpOf(c).resume();
    const final = await finalOf(c, reply.id, 0, 60_000);
    assert.equal(final.content, CHUNK.repeat(BIG_CHUNKS) + "end");

    const at = indexOf(c, (f) => f.type === "message" && f.message.id === human.id);
    const lastBigAt = indexOf(c, (f) => f.type === "delta" && f.message === reply.id && f.index === lastBig);
    assert.ok(at >= 0 && lastBigAt >= 0, "the slow reader got both");
    assert.ok(at < lastBigAt, `the person's message (frame ${at}) went ahead of deltas published before it (delta ${lastBig} at frame ${lastBigAt})`);

    const { text, indices, messages } = assembled(c, reply.id);
    assert.equal(messages, 1);
    assert.ok(gapFree(indices, 0), "indexes 0, 1, 2… each once, in order");
    assert.equal(indices.length, BIG_CHUNKS, "119 big deltas and the last piece");
    assert.equal(text, final.content, "the reply's message and its deltas are exactly its text");
    assert.equal(c.closeCode, null, "the slow reader was not dropped");
  });
});
