/**
 * Coalesced deltas (docs/ai.md, "Coalescing"): with the window on for every reply
 * (AI_COALESCE_FROM=1), a burst of provider chunks goes out as fewer deltas whose indexes are
 * still 0, 1, 2… gap-free and whose text is the reply's; the first token is still the reply's
 * `message`; a socket joining mid-stream catches up with no duplicate or missing text. On a
 * server whose window adapts from 2 replies on, the window widens while 4 run, every reply
 * still arrives whole and in order, and once they are done a lone reply streams each chunk.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AiFixture } from "../support/ai-fixture";
import { aiEnv, ask, assembled, deltasOf, finalOf, gapFree, replyTo, roomWith, startAiSuite, type AiSuite, type Frame } from "../support/ai-suite";
import { waitFor, type TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

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

describe("the window adapts to the replies running", () => {
  let adaptive: TestServer;
  before(async () => {
    adaptive = await startServer(aiEnv(fixture, { AI_COALESCE_FROM: "2", AI_DELTA_WINDOW_MS: "100", AI_DELTA_WINDOW_MAX_MS: "2000" }));
  });
  after(() => adaptive.stop());

  const windowSeconds = async () => {
    const text = await (await fetch(`${adaptive.url}/metrics`)).text();
    return Number(/^confab_ai_delta_window_seconds (\S+)$/m.exec(text)?.[1]);
  };

  test("4 replies at once widen it (100 ms × 4 / 2 at least), each still whole and gap-free; alone again, every chunk is its own delta", async () => {
    const askers = await users(adaptive, ["p0", "p1", "p2", "p3"]);
    const [watcher] = await users(adaptive, ["watcher"]);
    const { room, sockets } = await roomWith(adaptive, watcher, ...askers);
    const w = sockets[0];
    const tags = askers.map((_, i) => `many${i}`);
    const chunks = (tag: string) => Array.from({ length: 10 }, (_, i) => `${tag}.${i} `);
    // Each reply starts, waits until all four run, bursts, then waits again while the window is read.
    for (const tag of tags) fixture.script(tag, { chunks: chunks(tag), holdAt: [1, 6] });
    const requests = await Promise.all(sockets.slice(1).map((s, i) => ask(s, room, `@assistant many [t:${tags[i]!}]`)));
    const replies = await Promise.all(requests.map((r) => replyTo(w, r.id)));
    for (const tag of tags) fixture.release(tag);
    await waitFor(() => replies.every((r) => assembled(w, r.id).text.length > 0 && deltasOf(w, r.id).length > 0), { what: "every burst to start" });
    const widened = await windowSeconds();
    assert.ok(widened >= 0.2 && widened <= 2, `the window with 4 replies running: ${widened} s`);
    for (const tag of tags) fixture.release(tag);
    for (const [i, reply] of replies.entries()) {
      const final = await finalOf(w, reply.id);
      assert.equal(final.content, chunks(tags[i]!).join(""));
      const { text, indices, messages } = assembled(w, reply.id);
      assert.equal(messages, 1);
      assert.equal(text, final.content, "message + deltas is the reply, nothing twice or missing");
      assert.ok(gapFree(indices, 0), `gap-free from 0: ${indices.join(",")}`);
    }
    await waitFor(async () => (await windowSeconds()) === 0, { what: "the window to close when nothing runs" });

    const alone = chunks("alone");
    fixture.script("alone", { chunks: alone });
    const request = await ask(sockets[1], room, "@assistant alone [t:alone]");
    const reply = await replyTo(w, request.id);
    const final = await finalOf(w, reply.id);
    assert.equal(final.content, alone.join(""));
    assert.deepEqual(
      assembled(w, reply.id).indices,
      alone.slice(1).map((_, i) => i),
      "one delta per chunk after the first",
    );
  });
});
