/**
 * Event streams of rooms where the assistant replies (tests/support/ai-fixture.ts): a reply's
 * deltas carry `<seq>.<index>` ids, and a stream resumed mid-reply gets exactly the text it
 * missed, once.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import type { AiFixture } from "../support/ai-fixture";
import { ask, roomWith, startAiSuite, waitDelta, type AiSuite, type Frame } from "../support/ai-suite";
import { api, createRoom, waitFor, type TestSocket, type TestUser } from "../support/client";
import { users } from "../support/fixture";
import type { TestServer } from "../support/server";
import { SseClient, type SseEvent } from "../support/sse";

let suite: AiSuite;
let fixture: AiFixture;
let server: TestServer;
const bot = { name: "streambot" };
let alice: TestUser;
const streams: SseClient[] = [];

before(async () => {
  suite = await startAiSuite({ AI_NAME: bot.name });
  ({ fixture, server } = suite);
  [alice] = await users(server, ["alice"]);
});
after(async () => {
  for (const stream of streams) stream.close();
  await suite.stop();
});

async function open(room: string, opts: { lastEventId?: string } = {}): Promise<SseClient> {
  const stream = await SseClient.open(server.url, room, { token: alice.token, ...opts });
  assert.equal(stream.status, 200);
  streams.push(stream);
  return stream;
}

/** A room with alice's socket in it (the requester keeps watching, so nothing is idle-cancelled). */
async function roomWithAlice(): Promise<{ room: string; socket: TestSocket }> {
  const { room, sockets: [socket] } = await roomWith(server, alice);
  return { room, socket };
}

const isReply = (request: string) => (e: SseEvent) => e.data.type === "message" && e.data.message.reply_to === request;
const isDelta = (reply: string, index: number) => (e: SseEvent) => e.data.type === "delta" && e.data.message === reply && e.data.index === index;
const isFinal = (reply: string) => (e: SseEvent) => e.data.type === "message_updated" && e.data.message.id === reply && e.data.message.streaming === false;

/** The reply's text as a client builds it from events: the last message (or update) replaces, deltas append. */
function assembled(events: SseEvent[], reply: string, text = ""): string {
  for (const { data } of events) {
    if ((data.type === "message" || data.type === "message_updated") && data.message.id === reply) text = data.message.content;
    else if (data.type === "delta" && data.message === reply) text += data.text;
  }
  return text;
}

describe("event streams of streamed replies", () => {
  test("a reply streams as message, deltas with <seq>.<index> ids, and the final message_updated; the assistant types meanwhile", async () => {
    const { room, socket } = await roomWithAlice();
    const stream = await open(room);
    fixture.script("live", { chunks: ["Hel", "lo", " wor", "ld"], holdAt: [2] });
    const request = await ask(socket, room, `@${bot.name} hello [t:live]`);
    const created = await stream.next(isReply(request.id));
    const reply = (created.data as Frame<"message">).message;
    assert.equal(created.id, String(reply.seq));
    assert.equal(reply.streaming, true);
    await stream.next((e) => e.data.type === "typing" && e.data.users.includes(reply.sender));
    fixture.release("live");
    const final = await stream.next(isFinal(reply.id), { timeoutMs: 10_000 });
    assert.equal(final.id, String(reply.seq));
    const deltas = stream.events.filter((e) => e.data.type === "delta" && e.data.message === reply.id);
    assert.deepEqual(
      deltas.map((e) => e.id),
      deltas.map((_, i) => `${reply.seq}.${i}`),
      "gap-free, each id is <seq>.<index>",
    );
    assert.equal(assembled(stream.events, reply.id), "Hello world");
    assert.equal(assembled(stream.events.filter((e) => e.event !== "message_updated"), reply.id), "Hello world", "the deltas alone build the final text");
  });

  test("Last-Event-ID mid-reply: the missed text as one catch-up delta, then the rest live, nothing twice", async () => {
    const { room, socket } = await roomWithAlice();
    const first = await open(room);
    fixture.script("resume", { chunks: ["r0", "r1", "r2", "r3", "r4", "r5"], holdAt: [2, 4] });
    const request = await ask(socket, room, `@${bot.name} count [t:resume]`);
    const reply = ((await first.next(isReply(request.id))).data as Frame<"message">).message;
    const seen = await first.next(isDelta(reply.id, 0));
    assert.equal(seen.id, `${reply.seq}.0`);
    first.close();
    const textBefore = assembled(first.events, reply.id);
    assert.equal(textBefore, "r0r1");

    // Deltas 1 and 2 stream while the reader is away.
    fixture.release("resume");
    await waitDelta(socket, reply.id, 2);
    const resumed = await open(room, { lastEventId: first.lastEventId! });
    const catchUp = await resumed.next((e) => e.data.type === "delta" && e.data.message === reply.id);
    assert.equal(catchUp.id, `${reply.seq}.2`);
    assert.deepEqual(catchUp.data, { type: "delta", room, message: reply.id, seq: reply.seq, index: 2, text: "r2r3" });

    fixture.release("resume");
    const final = (await resumed.next(isFinal(reply.id), { timeoutMs: 10_000 })).data as Frame<"message_updated">;
    assert.equal(final.message.content, "r0r1r2r3r4r5");
    const deltas = resumed.events.filter((e) => e.data.type === "delta");
    assert.deepEqual(deltas.map((e) => e.id), [2, 3, 4].map((i) => `${reply.seq}.${i}`), "no delta twice, none missing");
    assert.equal(resumed.messages().filter((m) => m.id === reply.id).length, 0, "the reply is not sent again");
    assert.equal(assembled(resumed.events.filter((e) => e.event === "delta"), reply.id, textBefore), final.message.content);
  });

  test("a new reader mid-reply gets the text so far as a message, then the rest; a resume from before the reply gets it the same way", async () => {
    const { room, socket } = await roomWithAlice();
    const early = await open(room);
    fixture.script("late", { chunks: ["l0", "l1", "l2", "l3"], holdAt: [2] });
    const request = await ask(socket, room, `@${bot.name} go [t:late]`);
    const reply = ((await early.next(isReply(request.id))).data as Frame<"message">).message;
    await waitDelta(socket, reply.id, 0);

    const fresh = await open(room);
    const fromRequest = await open(room, { lastEventId: String(request.seq) });
    for (const reader of [fresh, fromRequest]) {
      const message = await reader.next((e) => e.data.type === "message" && e.data.message.id === reply.id);
      assert.equal(message.id, String(reply.seq));
      assert.equal((message.data as Frame<"message">).message.content, "l0l1");
      assert.equal((message.data as Frame<"message">).message.streaming, true);
    }
    fixture.release("late");
    for (const reader of [early, fresh, fromRequest]) {
      const final = (await reader.next(isFinal(reply.id), { timeoutMs: 10_000 })).data as Frame<"message_updated">;
      assert.equal(assembled(reader.events.filter((e) => e.event !== "message_updated"), reply.id), final.message.content);
    }
    assert.deepEqual(
      fresh.events.filter((e) => e.data.type === "delta").map((e) => e.id),
      [1, 2].map((i) => `${reply.seq}.${i}`),
    );
  });

  test("a pure SSE client asks over REST, drops mid-reply while nobody else follows the room, and resumes with exactly the missed text", async () => {
    const room = await createRoom(server.url, alice);
    const first = await open(room);
    fixture.script("alone", { chunks: ["a0", "a1", "a2", "a3", "a4"], holdAt: [2, 4] });
    const asked = await api<Message>(server.url, "POST", `/api/rooms/${room}/messages`, { token: alice.token, body: { id: randomUUID(), content: `@${bot.name} alone [t:alone]` } });
    assert.equal(asked.status, 201);
    const reply = ((await first.next(isReply(asked.body.id))).data as Frame<"message">).message;
    await first.next(isDelta(reply.id, 0));
    first.close();

    // No socket or stream follows the room now; the stored text shows the reply went on.
    fixture.release("alone");
    await waitFor(
      async () => {
        const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: alice.token });
        return history.body.messages.find((m) => m.id === reply.id)?.content === "a0a1a2a3";
      },
      { what: "deltas 1 and 2 stored" },
    );
    const resumed = await open(room, { lastEventId: `${reply.seq}.0` });
    const catchUp = await resumed.next((e) => e.data.type === "delta" && e.data.message === reply.id);
    assert.deepEqual(catchUp.data, { type: "delta", room, message: reply.id, seq: reply.seq, index: 2, text: "a2a3" });
    assert.equal(catchUp.id, `${reply.seq}.2`);
    fixture.release("alone");
    const final = (await resumed.next(isFinal(reply.id), { timeoutMs: 10_000 })).data as Frame<"message_updated">;
    assert.equal(assembled(resumed.events.filter((e) => e.event === "delta"), reply.id, "a0a1"), final.message.content);
  });
});
