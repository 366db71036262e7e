/**
 * Frame budgets and handshake caps on the real server: every frame type is charged before any
 * work (a refused `send` stores nothing), and unauthenticated sockets are capped per address
 * and in total (addresses come from X-Forwarded-For here, with TRUST_PROXY on).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  server = await startServer({ MAX_PENDING_PER_ADDRESS: "3", MAX_PENDING_HANDSHAKES: "5", TRUST_PROXY: "true", FRAME_RATE_SCALE: "0.1" });
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await server.stop();
});

const anonymous = async (address: string) => {
  const socket = await TestSocket.open(server.wsUrl, { headers: { "x-forwarded-for": address } });
  sockets.push(socket);
  return socket;
};
const refusal = (address: string) =>
  TestSocket.open(server.wsUrl, { headers: { "x-forwarded-for": address } }).then(
    (s) => (sockets.push(s), "accepted"),
    (err: Error) => err.message,
  );

describe("frame budgets", () => {
  test("a burst of sends beyond the socket's budget is refused before anything is stored", async () => {
    const user = await registerUser(server.url, "flood");
    const room = await createRoom(server.url, user);
    const socket = await TestSocket.connect(server.wsUrl, user);
    sockets.push(socket);
    await socket.join(room);
    const ids = Array.from({ length: 120 }, () => randomUUID());
    for (const id of ids) socket.send({ type: "send", id, room, content: `m ${id}` });
    await waitFor(() => ids.every((id) => socket.frames.some((f) => "ref" in f && f.ref === id)), { timeoutMs: 20_000, what: "an answer to every send" });
    const answers = ids.map((id) => socket.frames.find((f) => "ref" in f && f.ref === id)!);
    const acked = answers.filter((f) => f.type === "ack").length;
    const limited = answers.filter((f) => f.type === "error" && f.code === "RATE_LIMITED" && f.retryable && (f.retry_after_ms ?? 0) > 0).length;
    // At FRAME_RATE_SCALE=0.1 the send burst is 50 (the queue cap also refuses, with its own message).
    assert.ok(answers.some((f) => f.type === "error" && /too many send frames/.test(f.message)), "the send budget refused some");
    assert.equal(acked + limited, ids.length);
    const stored = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=200`, { token: user.token });
    assert.equal(stored.body.messages.length, acked, "refused sends stored nothing");
  });

  test("typing and presence frames have budgets too; another frame type is unaffected", async () => {
    const user = await registerUser(server.url, "typist");
    const room = await createRoom(server.url, user);
    const socket = await TestSocket.connect(server.wsUrl, user);
    sockets.push(socket);
    await socket.join(room);
    const from = socket.frames.length;
    for (let i = 0; i < 40; i++) socket.send({ type: "typing", id: randomUUID(), room, state: "start" });
    for (let i = 0; i < 20; i++) socket.send({ type: "presence", id: randomUUID(), status: "online" });
    const pong = await socket.request({ type: "ping" });
    assert.equal(pong.type, "pong");
    const limited = socket.frames.slice(from).filter((f) => f.type === "error" && f.code === "RATE_LIMITED");
    // At FRAME_RATE_SCALE=0.1: typing bursts 2 (refills 0.5/s), presence 1 (0.2/s).
    assert.ok(limited.length >= 38 + 19 - 3, `refused ${limited.length}`);
  });
});

describe("handshake caps", () => {
  test("unauthenticated sockets are capped per address and in total; authenticating frees a place", async () => {
    const first = await Promise.all([anonymous("10.0.0.1"), anonymous("10.0.0.1"), anonymous("10.0.0.1")]);
    assert.match(await refusal("10.0.0.1"), /429/);
    await Promise.all([anonymous("10.0.0.2"), anonymous("10.0.0.2")]);
    assert.match(await refusal("10.0.0.3"), /503/, "five pending in total");

    const user = await registerUser(server.url, "pending");
    first[0]!.send({ type: "auth", token: user.token });
    await first[0]!.next("ready");
    assert.equal(await refusal("10.0.0.1"), "accepted", "an authenticated socket no longer counts");
    await first[1]!.close();
    await waitFor(async () => (await refusal("10.0.0.4")) === "accepted", { what: "a closed pending socket frees its place" });
  });
});

describe("metrics behind a proxy", () => {
  test("/metrics answers a loopback caller, but not a remote client forwarded by a trusted proxy on loopback", async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
    const forwarded = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    assert.equal(forwarded.status, 404);
    await forwarded.body?.cancel();
  });
});
