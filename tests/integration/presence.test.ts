/**
 * Presence announcements follow changes, not connections: more tabs of an online user, or
 * closing some of them, tell the rooms nothing; the first tab and the last one do.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createRoom, registerUser, sleep, TestSocket } from "../support/client";
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

test("extra tabs of an online user announce nothing; the last tab closing announces offline", async () => {
  const [alice, bob] = await Promise.all([registerUser(server.url, "alice"), registerUser(server.url, "bob")]);
  const room = await createRoom(server.url, alice);
  const first = await TestSocket.connect(server.wsUrl, alice);
  sockets.push(first);
  await first.join(room);
  const watcher = await TestSocket.connect(server.wsUrl, bob);
  sockets.push(watcher);
  // bob joins alice's public room; his view of alice starts here.
  await watcher.join(room);
  const aliceFrames = () => watcher.frames.filter((f) => f.type === "presence" && f.user === alice.id);
  const before = aliceFrames().length;

  const extra = await Promise.all(Array.from({ length: 5 }, () => TestSocket.connect(server.wsUrl, alice)));
  sockets.push(...extra);
  await sleep(400);
  for (const s of extra) await s.close();
  await sleep(400);
  assert.equal(aliceFrames().length, before, `opening and closing 5 more tabs announced ${JSON.stringify(aliceFrames().slice(before))}`);

  await first.close();
  await watcher.next((f) => f.type === "presence" && f.user === alice.id && f.status === "offline");
  assert.equal(aliceFrames().length, before + 1, "one announcement: offline");
});
