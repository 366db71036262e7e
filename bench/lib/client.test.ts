/**
 * The bench client's bookkeeping against a real server (the raw `ws` baseline): the reconnect
 * scenario's verdict (gaps, duplicates, caught-up) rests on it.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { WebSocketServer } from "ws";
import { startSystem, type System } from "../systems";
import { BenchClient, type Handlers, type RoomTrack } from "./client";
import { createRoom, createUsers } from "./setup";

let system: System;
before(async () => {
  system = await startSystem("raw-ws");
});
after(() => system.stop());

const quiet: Handlers = { onAck: () => {}, onMessage: () => {}, onError: () => {} };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), `timed out waiting for ${what}`);
}

test("tracks seqs in order, counts replayed ones as duplicates and marks the replay complete", async () => {
  const base = system.instances[0]!.url;
  const [alice, bob, carol] = await createUsers(base, 3);
  const room = await createRoom(base, alice!, "track");
  const client = (u: typeof alice, key: number) => new BenchClient({ key, url: base, token: u!.token, userId: u!.id, rooms: [room] }, "json-ws", quiet);
  const sender = client(alice, 0);
  const reader = client(bob, 1);
  await sender.connect();
  await reader.connect();
  await sender.join(room);
  await reader.join(room);
  for (let i = 0; i < 3; i++) sender.send(room, randomUUID(), `hello ${i}`);
  const track = (c: BenchClient): RoomTrack => c.track.get(room)!;
  await until(() => track(reader).contiguous === 3, "three messages");
  assert.equal(track(reader).duplicates, 0);
  assert.equal(track(sender).contiguous, 3, "the sender's acks count as seen");
  await until(() => sender.track.get(room)!.contiguous === 3, "the echoes");
  assert.equal(track(sender).duplicates, 0, "a sender's ack and its echo, in either order, are not duplicates");

  // Re-joining with since=1 replays 2 and 3, which this client already has.
  await reader.join(room, 1);
  await until(() => track(reader).duplicates === 2, "the replay");
  assert.equal(track(reader).joinedSeq, 3);
  assert.ok(track(reader).caughtUpAt !== null);

  // A newcomer replaying from 0 ends with every seq once.
  const late = client(carol, 2);
  await late.connect();
  await late.join(room, 0);
  await until(() => track(late).contiguous === 3, "the newcomer's replay");
  assert.equal(track(late).duplicates, 0);
  assert.equal(track(late).ahead.size, 0);
  await Promise.all([sender, reader, late].map((c) => c.close()));
});

test("a join without since: what it covered counts once when it comes after `joined`, a second copy is a duplicate", async () => {
  // Confab's order for a join without `since` that raced two commits: `joined` with the room's
  // seq, then the messages committed while the join ran. Scripted, since the baseline never races.
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  const message = (seq: number) => JSON.stringify({ type: "message", message: { id: `m${seq}`, room: "r", seq, sender: "someone" } });
  wss.on("connection", (ws) => {
    ws.send(JSON.stringify({ type: "ready" }));
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id: string };
      if (frame.type !== "join") return;
      ws.send(JSON.stringify({ type: "joined", ref: frame.id, room: "r", seq: 3 }));
      for (const seq of [2, 3, 3, 4]) ws.send(message(seq));
    });
  });
  const client = new BenchClient({ key: 9, url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, token: "t", userId: "me", rooms: ["r"] }, "json-ws", quiet);
  try {
    await client.connect();
    await client.join("r");
    const track = client.track.get("r")!;
    await until(() => track.contiguous === 4, "seq 4");
    assert.equal(track.duplicates, 1, "only the second copy of seq 3");
    assert.equal(track.gapFrames, 0);
  } finally {
    await client.close();
    wss.close();
  }
});
