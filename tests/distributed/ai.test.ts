/**
 * The AI assistant across two instances on one Postgres and one Redis: a reply generated on A
 * streams to members on B, catch-up on B asks A for the text so far over the bus, and a cancel
 * sent to B aborts A's provider request. Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AiFixture } from "../support/ai-fixture";
import { ask, assembled, assistantOf, finalOf, replyTo, startAiSuite, waitDelta, type AiSuite, type Frame } from "../support/ai-suite";
import { createRoom, type TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import { servicesEnv, type TestServer } from "../support/server";

let suite: AiSuite;
let fixture: AiFixture;
let A: TestServer;
let B: TestServer;
let alice: TestUser;
let bob: TestUser;
let bot: string;

before(async () => {
  suite = await startAiSuite(servicesEnv(), { instances: 2 });
  fixture = suite.fixture;
  [A, B] = suite.servers as [TestServer, TestServer];
  [alice, bob] = await users(A, ["alice", "bob"]);
  bot = (await assistantOf(B, bob)).user;
});
after(() => suite?.stop());

describe("the assistant on two instances", () => {
  test("a request on A streams to a member on B: message, gap-free deltas, final update; the assistant types on B", async () => {
    const room = await createRoom(A.url, alice);
    const a = await connect(A, alice, { join: [room] });
    const b = await connect(B, bob, { join: [room] });
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
    const a = await connect(A, alice, { join: [room] });
    const first = await connect(A, bob, { join: [room] });
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
    const a = await connect(A, alice, { join: [room] });
    const elsewhere = await connect(B, alice, { join: [room] });
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
