/**
 * Fault 6: Redis down (killed) while a user keeps chatting on one instance. Rate limits fall
 * back to per-instance memory, so sends are still stored and acked, and nothing pretends: an
 * over-limit send is still refused. Once Redis is back, another member's fresh socket sees the
 * message exactly once in its replay.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket } from "../support/client";
import { startServer } from "../support/server";
import { Services } from "./services";

test("Redis down: sends are still stored and acked, limits still hold, nothing twice", { timeout: 120_000 }, async (t) => {
  const services = await Services.start();
  const server = await startServer({ DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, RATE_MESSAGES_PER_MIN: "5" });
  const sockets: TestSocket[] = [];
  try {
    const [alice, bob] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob")]);
    const room = await createRoom(server.url, alice);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: bob.token })).status, 200);
    const socket = await TestSocket.connect(server.wsUrl, alice);
    sockets.push(socket);
    await socket.join(room);

    await services.killRedis();
    t.diagnostic("redis killed");

    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await socket.request({ type: "send", id: randomUUID(), room, content: `while redis is down ${i}` }, 10_000);
      assert.equal(reply.type, "ack", JSON.stringify(reply));
      sent.push((reply as Extract<ServerFrame, { type: "ack" }>).message.id);
    }
    const over = await socket.request({ type: "send", id: randomUUID(), room, content: "one too many" }, 10_000);
    assert.equal(over.type, "error");
    assert.equal((over as Extract<ServerFrame, { type: "error" }>).code, "RATE_LIMITED", "the limit holds in memory while Redis is down");

    await services.startRedis();
    t.diagnostic("redis restarted");
    const reader = await TestSocket.connect(server.wsUrl, bob);
    sockets.push(reader);
    await reader.join(room, 0);
    await reader.next((f) => f.type === "message" && f.message.id === sent[sent.length - 1], { timeoutMs: 10_000 });
    // Bob's joining is the room's first (system) line; the check is about what was sent.
    const replayed = reader.frames.flatMap((f) => (f.type === "message" && f.room === room && f.message.kind !== "system" ? [f.message.id] : []));
    assert.deepEqual(replayed, sent, "every acked message exactly once, in order");
  } finally {
    await Promise.allSettled(sockets.map((s) => s.close()));
    await server.stop();
    await services.stop();
  }
});
