/**
 * Search and pins in the distributed shape: the search migration (generated tsvector + GIN
 * index) and its queries on real Postgres, and a `pinned` frame crossing instances on the Redis
 * bus. Run under scripts/with-services.sh.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import type { SearchResult } from "@/protocol/rest";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

let A: TestServer;
let B: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  const env = servicesEnv();
  [A, B] = await Promise.all([startServer(env), startServer(env)]);
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await Promise.allSettled([A?.stop(), B?.stop()]);
});

async function connect(server: TestServer, user: TestUser) {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}
async function say(s: TestSocket, room: string, content: string): Promise<Message> {
  const ack = await s.request({ type: "send", id: randomUUID(), room, content });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as { message: Message }).message;
}
const search = (server: TestServer, user: TestUser, q: string) =>
  api<{ results?: SearchResult[]; error?: { code: string } }>(server.url, "GET", `/api/search?${new URLSearchParams({ q })}`, { token: user.token });

describe("search on Postgres", () => {
  test("prefix search, the read rule and a highlight; bad input is typed", async () => {
    const [owner, outsider] = await Promise.all([registerUser(A.url, "owner"), registerUser(B.url, "outsider")]);
    const open = await createRoom(A.url, owner, "public");
    const secret = await createRoom(A.url, owner, "private");
    const s = await connect(A, owner);
    await s.join(open);
    await s.join(secret);
    const w = `deploy${randomUUID().replace(/[^a-f]/g, "").slice(0, 8)}`;
    const visible = await say(s, open, `we ${w} <b>today</b>`);
    await say(s, secret, `${w} in secret`);

    const mine = await search(B, owner, w.slice(0, 8));
    assert.equal(mine.status, 200);
    assert.equal(mine.body.results?.length, 2, "every room the owner reads, searched from the other instance");
    const theirs = await search(B, outsider, w.slice(0, 8));
    assert.deepEqual(theirs.body.results?.map((r) => r.message.id), [visible.id], "the private room is not theirs to read");
    assert.match(theirs.body.results![0]!.highlight, new RegExp(`<mark>${w}</mark> &lt;b&gt;today`));

    assert.equal((await search(A, owner, "x".repeat(1000))).status, 400);
    for (const q of ["&|!", ":*", "'\"()", `${w} & !(`]) {
      const res = await search(A, owner, q);
      assert.equal(res.status, 200, `q=${q}`);
    }
  });
});

describe("pins across instances", () => {
  test("a pin made through A reaches a socket on B, and so does the unpin", async () => {
    const [owner, member] = await Promise.all([registerUser(A.url, "owner"), registerUser(B.url, "member")]);
    const room = await createRoom(A.url, owner, "public");
    assert.equal((await api(B.url, "POST", `/api/rooms/${room}/join`, { token: member.token })).status, 200);
    const onB = await connect(B, member);
    await onB.join(room);
    const msg = await say(onB, room, "pin me across instances");

    const from = onB.frames.length;
    assert.equal((await api(A.url, "POST", `/api/rooms/${room}/pins`, { token: owner.token, body: { message: msg.id } })).status, 201);
    const pinned = (await onB.next((f) => f.type === "pinned" && f.message === msg.id, { fromIndex: from })) as Extract<ServerFrame, { type: "pinned" }>;
    assert.equal(pinned.pinned, true);
    assert.equal(pinned.room, room);

    const listed = await api<{ pins: Array<{ message: { id: string } }> }>(B.url, "GET", `/api/rooms/${room}/pins`, { token: member.token });
    assert.deepEqual(listed.body.pins.map((p) => p.message.id), [msg.id]);

    assert.equal((await api(A.url, "DELETE", `/api/rooms/${room}/pins/${msg.id}`, { token: owner.token })).status, 204);
    await onB.next((f) => f.type === "pinned" && f.message === msg.id && !f.pinned, { fromIndex: from });
  });
});
