/**
 * Watching rooms instead of joining them: one `watch` answers with the unread summary, then new
 * messages in watched rooms arrive as `room_activity` (no message bodies, no join per room).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  server = await startServer();
});
after(async () => {
  await Promise.allSettled(sockets.map((s) => (s.closeCode === null ? s.close() : undefined)));
  await server.stop();
});

async function connect(user: TestUser) {
  const socket = await TestSocket.connect(server.wsUrl, user);
  sockets.push(socket);
  return socket;
}

const say = (socket: TestSocket, room: string, content: string, extra: Record<string, unknown> = {}) =>
  socket.request({ type: "send", id: randomUUID(), room, content, ...extra });
const activity = (socket: TestSocket, room: string, from = 0) =>
  socket.frames.slice(from).filter((f): f is Extract<ServerFrame, { type: "room_activity" }> => f.type === "room_activity" && f.room === room);

describe("watch", () => {
  test("the summary, then activity for new messages, without message bodies", async () => {
    const [alice, bob] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob")]);
    const [busy, quiet, foreign] = await Promise.all([createRoom(server.url, bob), createRoom(server.url, bob), createRoom(server.url, bob)]);
    const bobSocket = await connect(bob);
    for (const room of [busy, quiet, foreign]) await bobSocket.join(room);
    const aliceSocket = await connect(alice);
    await aliceSocket.join(busy);
    await aliceSocket.join(quiet);
    await aliceSocket.request({ type: "leave", room: busy });
    await aliceSocket.request({ type: "leave", room: quiet });
    await say(bobSocket, busy, "one");
    await say(bobSocket, busy, "two");

    const unread = await aliceSocket.request({ type: "watch", rooms: [busy, quiet, foreign] });
    assert.equal(unread.type, "unread");
    if (unread.type !== "unread") return;
    const byRoom = new Map(unread.rooms.map((r) => [r.room, r]));
    // Each room's history starts with alice's join line, which is not unread.
    assert.deepEqual(byRoom.get(busy), { room: busy, last_seq: 3, read_seq: 0, unread: 2 });
    assert.deepEqual(byRoom.get(quiet), { room: quiet, last_seq: 1, read_seq: 0, unread: 0 });
    assert.equal(byRoom.has(foreign), false, "only rooms the user belongs to are watched");

    const from = aliceSocket.frames.length;
    const sent = await say(bobSocket, busy, "three");
    assert.equal(sent.type, "ack");
    await aliceSocket.next((f) => f.type === "room_activity" && f.room === busy, { fromIndex: from });
    assert.deepEqual(activity(aliceSocket, busy, from), [{ type: "room_activity", room: busy, seq: 4, sender: bob.id }]);
    await say(bobSocket, foreign, "elsewhere");
    await aliceSocket.request({ type: "ping" });
    assert.equal(aliceSocket.frames.slice(from).filter((f) => f.type === "message").length, 0, "no message bodies");
    assert.equal(activity(aliceSocket, foreign, from).length, 0);
  });

  test("all of the user's rooms by default; a joined room gets messages, not activity; unwatch stops it", async () => {
    const [alice, bob] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob")]);
    const [open, side] = await Promise.all([createRoom(server.url, bob), createRoom(server.url, bob)]);
    const bobSocket = await connect(bob);
    await bobSocket.join(open);
    await bobSocket.join(side);
    const aliceSocket = await connect(alice);
    await aliceSocket.join(open);
    await aliceSocket.join(side);
    const unread = await aliceSocket.request({ type: "watch" });
    assert.deepEqual(unread.type === "unread" && unread.rooms.map((r) => r.room).sort(), [open, side].sort());
    await aliceSocket.request({ type: "leave", room: side });

    let from = aliceSocket.frames.length;
    await say(bobSocket, open, "in the open room");
    await say(bobSocket, side, "on the side");
    await aliceSocket.next((f) => f.type === "room_activity" && f.room === side, { fromIndex: from });
    await aliceSocket.next((f) => f.type === "message" && f.room === open, { fromIndex: from });
    assert.equal(activity(aliceSocket, open, from).length, 0, "the joined room is not counted twice");
    assert.equal(aliceSocket.messages(side).length, 0);

    aliceSocket.send({ type: "unwatch", rooms: [side] });
    await aliceSocket.request({ type: "ping" });
    from = aliceSocket.frames.length;
    await say(bobSocket, side, "unheard");
    await say(bobSocket, open, "heard");
    await aliceSocket.next((f) => f.type === "message" && f.room === open && f.message.content === "heard", { fromIndex: from });
    assert.equal(activity(aliceSocket, side, from).length, 0);
  });

  test("the user's own reads and removal reach a watching socket; others' private messages do not", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob"), registerUser(server.url, "carol")]);
    const room = await createRoom(server.url, bob);
    const bobSocket = await connect(bob);
    await bobSocket.join(room);
    const carolSocket = await connect(carol);
    await carolSocket.join(room);
    const aliceTab = await connect(alice);
    await aliceTab.join(room);
    const watcher = await connect(alice);
    await watcher.request({ type: "watch", rooms: [room] });

    let from = watcher.frames.length;
    await say(bobSocket, room, "for carol only", { to: carol.id });
    const sent = await say(bobSocket, room, "for everyone");
    assert.ok(sent.type === "ack");
    await watcher.next((f) => f.type === "room_activity" && f.seq === sent.message.seq, { fromIndex: from });
    assert.deepEqual(
      activity(watcher, room, from).map((a) => a.seq),
      [sent.message.seq],
      "a private message between others is not announced",
    );
    aliceTab.send({ type: "read", room, seq: sent.message.seq });
    await watcher.next((f) => f.type === "receipt" && f.user === alice.id && f.seq === sent.message.seq, { fromIndex: from });

    from = watcher.frames.length;
    const kick = await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: bob.token, body: { action: "kick", user: alice.id } });
    assert.equal(kick.status, 200);
    await watcher.next((f) => f.type === "member" && f.event === "kicked" && f.user.id === alice.id, { fromIndex: from });
    await say(bobSocket, room, "after the kick");
    await sleep(100);
    assert.equal(activity(watcher, room, from).length, 0, "a removed user hears nothing more");
  });
});
