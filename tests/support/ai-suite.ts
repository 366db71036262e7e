/**
 * What the assistant's suites share (docs/ai.md, "Tests"): the provider fixture with servers
 * pointed at it, the assistant's identity, and reading a reply off a socket's frames (the
 * request, the reply's `message`, its deltas and final update, the text they make).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Message, ServerFrame } from "@/protocol";
import { AiFixture } from "./ai-fixture";
import { api, createRoom, type TestSocket, type TestUser } from "./client";
import { connect } from "./fixture";
import { startServer, type TestServer } from "./server";

export type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

export interface AiSuite {
  fixture: AiFixture;
  /** `instances` servers, all with the assistant talking to `fixture`. */
  servers: TestServer[];
  /** The first of them. */
  server: TestServer;
  /** Stops the servers (and the sockets `connect` opened on them), then the fixture. */
  stop(): Promise<void>;
}

/**
 * A server's env with the assistant talking to `fixture`: the row is written every 20 ms
 * (catch-up tests read it) and the AI rate limit is out of the way; `env` adds or overrides.
 */
export const aiEnv = (fixture: AiFixture, env: Record<string, string> = {}): Record<string, string> => ({
  AI_BASE_URL: fixture.url,
  AI_MODEL: "fixture-model",
  AI_FLUSH_MS: "20",
  RATE_AI_PER_MIN: "100000",
  ...env,
});

/**
 * Starts the fixture and `instances` servers with `aiEnv(fixture, env)` (DATABASE_URL and
 * REDIS_URL for the distributed suite).
 */
export async function startAiSuite(env: Record<string, string> = {}, { instances = 1 }: { instances?: number } = {}): Promise<AiSuite> {
  const fixture = await AiFixture.start();
  const started = await Promise.allSettled(Array.from({ length: instances }, () => startServer(aiEnv(fixture, env))));
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await fixture.close();
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { fixture, servers, server: servers[0]!, stop };
}

/** The assistant as `GET /api/me` names it; fails unless it is on. */
export async function assistantOf(server: TestServer, user: TestUser): Promise<{ name: string; user: string }> {
  const me = await api<{ assistant: { enabled: boolean; name: string; user: string } }>(server.url, "GET", "/api/me", { token: user.token });
  assert.equal(me.body.assistant.enabled, true);
  return { name: me.body.assistant.name, user: me.body.assistant.user };
}

/** A new public room of `owner`, with a socket of each user (owner first) joined to it. */
export async function roomWith<const O extends readonly TestUser[]>(
  server: TestServer,
  owner: TestUser,
  ...others: O
): Promise<{ room: string; sockets: [TestSocket, ...{ -readonly [K in keyof O]: TestSocket }] }> {
  const room = await createRoom(server.url, owner);
  const sockets: TestSocket[] = [];
  for (const user of [owner, ...others]) sockets.push(await connect(server, user, { join: [room] }));
  return { room, sockets: sockets as [TestSocket, ...{ -readonly [K in keyof O]: TestSocket }] };
}

/** Sends a message and returns it as stored (fails on anything but an ack). */
export async function ask(socket: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}): Promise<Message> {
  const answer = await socket.request({ type: "send", id: randomUUID(), room, content, ...extra });
  assert.equal(answer.type, "ack", JSON.stringify(answer));
  return (answer as Frame<"ack">).message;
}

/** The reply's `message` frame to `request`, from frame `fromIndex` on. */
export const replyTo = (socket: TestSocket, request: string, fromIndex = 0, timeoutMs = 10_000): Promise<Message> =>
  socket.next((f) => f.type === "message" && f.message.reply_to === request, { fromIndex, timeoutMs }).then((f) => (f as Frame<"message">).message);

/** The reply's final `message_updated` (streaming false), from frame `fromIndex` on. */
export const finalOf = (socket: TestSocket, reply: string, fromIndex = 0, timeoutMs = 10_000): Promise<Message> =>
  socket
    .next((f) => f.type === "message_updated" && f.message.id === reply && f.message.streaming === false, { fromIndex, timeoutMs })
    .then((f) => (f as Frame<"message_updated">).message);

export const waitDelta = (socket: TestSocket, reply: string, index: number, timeoutMs = 10_000) =>
  socket.next((f) => f.type === "delta" && f.message === reply && f.index === index, { timeoutMs });

export const deltasOf = (socket: TestSocket, reply: string): Array<Frame<"delta">> =>
  socket.frames.filter((f): f is Frame<"delta"> => f.type === "delta" && f.message === reply);

/**
 * What a client makes of a reply from the socket's frames: the content of its last `message`
 * frame plus the deltas after it, their indexes, and how many `message` frames it got.
 */
export function assembled(socket: TestSocket, reply: string): { text: string; indices: number[]; messages: number } {
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

/** Indexes `from`, `from + 1`, … each once, in order. */
export const gapFree = (indices: readonly number[], from: number) => indices.every((index, i) => index === from + i);
