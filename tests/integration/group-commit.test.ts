/**
 * Group commit against the real server and database: concurrent sends to one room are batched
 * into shared transactions, yet every message gets its own gap-free seq, retries stay
 * idempotent inside a batch, and a ban racing a stream of sends wins at commit time.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;
let users: TestUser[];

before(async () => {
  server = await startServer({ FRAME_RATE_SCALE: "20" });
  await registerUser(server.url, "siteadmin");
  owner = await registerUser(server.url, "owner");
  users = await Promise.all([0, 1, 2, 3].map((n) => registerUser(server.url, `sender${n}`)));
});
after(() => server.stop());

type Ack = Extract<ServerFrame, { type: "ack" }>;
const acksOf = (socket: TestSocket) => socket.frames.filter((f): f is Ack => f.type === "ack");

async function history(room: string, token: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let after = 0; ; ) {
    const page = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?after=${after}&limit=100`, { token });
    all.push(...page.body.messages);
    if (page.body.messages.length < 100) return all;
    after = page.body.messages.at(-1)!.seq;
  }
}

describe("group commit", () => {
  test("200 concurrent sends to one room: each acked once with a gap-free seq, delivered in order", { timeout: 60_000 }, async () => {
    const room = await createRoom(server.url, owner);
    const watcher = await TestSocket.connect(server.wsUrl, owner);
    await watcher.join(room);
    const senders: TestSocket[] = [];
    for (const user of users) {
      for (let tab = 0; tab < 2; tab++) {
        const socket = await TestSocket.connect(server.wsUrl, user);
        await socket.join(room);
        senders.push(socket);
      }
    }
    // Each user's join line came first.
    const base = users.length;
    const perSocket = 25;
    for (let n = 0; n < perSocket; n++) {
      for (const socket of senders) socket.send({ type: "send", id: randomUUID(), room, content: `m${n}` });
    }
    const total = perSocket * senders.length;
    await waitFor(() => senders.every((s) => acksOf(s).length === perSocket), { timeoutMs: 30_000, what: "every ack" });

    const seqs = senders.flatMap((s) => acksOf(s).map((a) => a.message.seq)).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => base + i + 1), "seqs after the join lines, each once");
    for (const socket of senders) {
      const own = acksOf(socket).map((a) => a.message.seq);
      assert.deepEqual(own, [...own].sort((a, b) => a - b), "a socket's sends keep their order");
    }

    await waitFor(() => watcher.messages(room).length >= base + total, { timeoutMs: 10_000, what: "every delivery" });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      watcher.messages(room).map((m) => m.seq),
      Array.from({ length: base + total }, (_, i) => i + 1),
      "the watcher got every message exactly once, in seq order",
    );
    const stored = await history(room, owner.token);
    assert.equal(stored.length, base + total);
    assert.equal(new Set(stored.map((m) => m.id)).size, base + total);
  });

  test("a client id repeated inside one batch and from another tab is stored once", { timeout: 30_000 }, async () => {
    const [alice] = users;
    const room = await createRoom(server.url, alice!);
    const tab1 = await TestSocket.connect(server.wsUrl, alice!);
    const tab2 = await TestSocket.connect(server.wsUrl, alice!);
    await tab1.join(room);
    await tab2.join(room);
    const id = randomUUID();
    // Interleave other sends so the retries land in the same batches as fresh messages.
    for (let n = 0; n < 3; n++) {
      tab1.send({ type: "send", id, room, content: "once" });
      tab2.send({ type: "send", id, room, content: "once" });
      tab1.send({ type: "send", id: randomUUID(), room, content: `other ${n}` });
    }
    await waitFor(() => acksOf(tab1).length === 6 && acksOf(tab2).length === 3, { timeoutMs: 10_000, what: "acks" });
    const retries = [...acksOf(tab1), ...acksOf(tab2)].filter((a) => a.ref === id);
    assert.equal(retries.length, 6);
    assert.equal(new Set(retries.map((a) => a.message.id)).size, 1, "every retry answers with the same message");
    const stored = await history(room, alice!.token);
    assert.equal(stored.filter((m) => m.client_id === id).length, 1);
    assert.deepEqual(
      stored.map((m) => m.seq),
      [1, 2, 3, 4],
      "no seq was used up by a retry",
    );
  });

  test("a ban racing a stream of sends: every ack is stored, nothing is stored after the ban", { timeout: 30_000 }, async () => {
    const [, bob] = users;
    const room = await createRoom(server.url, owner);
    const socket = await TestSocket.connect(server.wsUrl, bob!);
    await socket.join(room);
    const ids: string[] = [];
    let banned = false;
    const sending = (async () => {
      // A steady stream that outlasts the ban by a bounded margin.
      for (let n = 0, after = 0; n < 2_000 && after < 30; n++) {
        const id = randomUUID();
        ids.push(id);
        socket.send({ type: "send", id, room, content: "spam" });
        if (banned) after++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => acksOf(socket).length >= 5, { what: "first acks" });
    const ban = await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "ban", user: bob!.id } });
    assert.equal(ban.status, 200);
    banned = true;
    await sending;
    await new Promise((r) => setTimeout(r, 500));

    const acked = new Set(acksOf(socket).map((a) => a.message.id));
    const stored = (await history(room, owner.token)).filter((m) => m.sender === bob!.id && m.kind !== "system");
    assert.deepEqual(new Set(stored.map((m) => m.id)), acked, "acked and stored are the same set");
    assert.ok(acked.size < ids.length, "sends after the ban were refused");
    const errors = socket.frames.filter((f) => f.type === "error" && ids.includes(f.ref ?? ""));
    assert.ok(errors.every((f) => f.type === "error" && ["FORBIDDEN", "NOT_IN_ROOM"].includes(f.code)), JSON.stringify(errors.slice(0, 3)));
  });
});

describe("metrics", () => {
  test("GET /metrics (loopback) counts persisted messages and shows sends sharing transactions", async () => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
    const persisted = value("confab_messages_persisted_total");
    const batches = value("confab_group_commit_batch_size_count");
    assert.ok(persisted >= 200, `persisted ${persisted}`);
    assert.ok(batches < persisted, `${persisted} messages in ${batches} transactions`);
    for (const name of ["confab_send_ack_seconds_count", "confab_fanout_seconds_count", "confab_frames_in_total", "nodejs_eventloop_lag_p99_seconds"]) {
      assert.ok(value(name) > 0, `${name} is reported`);
    }
    assert.match(text, /confab_sockets\{state="authenticated"\} \d+/);
  });
});
