/**
 * Coalesced deltas (docs/ai.md, "Coalescing"): with the window on for every reply
 * (AI_COALESCE_FROM=1), a burst of provider chunks goes out as fewer deltas whose indexes are
 * still 0, 1, 2… gap-free and whose text is the reply's; the first token is still the reply's
 * `message`; a socket joining mid-stream catches up with no duplicate or missing text.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AiFixture } from "../support/ai-fixture";
import { ask, assembled, finalOf, gapFree, replyTo, roomWith, startAiSuite, type AiSuite, type Frame } from "../support/ai-suite";
import type { TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import type { TestServer } from "../support/server";

let suite: AiSuite;
let fixture: AiFixture;
let server: TestServer;
let alice: TestUser;
let carol: TestUser;

before(async () => {
  suite = await startAiSuite({ AI_COALESCE_FROM: "1", AI_DELTA_WINDOW_MS: "300" });
  ({ fixture, server } = suite);
  [alice, carol] = await users(server, ["alice", "carol"]);
});
after(() => suite.stop());

describe("coalesced deltas", () => {
  test("a burst of chunks: the first is the message, the rest fewer deltas, gap-free from 0, exactly the reply's text", async () => {
    const { room, sockets: [a] } = await roomWith(server, alice);
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
    const { room, sockets: [a] } = await roomWith(server, alice);
    fixture.script("join", { chunks: ["j0", "j1", "j2", "j3", "j4", "j5", "j6"], holdAt: [3] });
    const request = await ask(a, room, "@assistant join [t:join]");
    const reply = await replyTo(a, request.id);
    await a.next(() => assembled(a, reply.id).text === "j0j1j2", { timeoutMs: 10_000 });
    const late = await connect(server, carol, { join: [room] });
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
