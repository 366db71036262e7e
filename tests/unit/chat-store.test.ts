import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatStore, type PendingMessage, selectPending, selectPresence, selectRoom } from "@/lib/chat-store";
import type { Message } from "@/protocol";

const ME = { id: "u-me", username: "me" };

function msg(seq: number, patch: Partial<Message> = {}): Message {
  return { id: `m${seq}`, room: "r1", seq, sender: "u-other", kind: "text", content: `#${seq}`, client_id: `c${seq}`, created_at: "2026-12-01T00:00:00.000Z", ...patch };
}

function pending(id: string, room = "r1"): PendingMessage {
  return { id, room, content: id, createdAt: "2026-12-01T00:00:00.000Z", state: "sending" };
}

const seqs = (store: ChatStore, room = "r1") => store.getRoom(room).messages.map((m) => m.seq);

test("messages stay unique by id and ascending by seq, whatever order and repeats they arrive in", () => {
  const store = new ChatStore();
  assert.equal(store.addMessages("r1", [msg(5), msg(2), msg(9)]), 3);
  assert.equal(store.addMessages("r1", [msg(2), msg(7), msg(5), msg(1)]), 2);
  assert.deepEqual(seqs(store), [1, 2, 5, 7, 9]);
  assert.equal(store.maxSeq("r1"), 9);
  assert.equal(store.minSeq("r1"), 1);
  assert.equal(store.maxSeq("r2"), undefined);
});

test("a duplicate replaces the held copy only when it is a newer edit or a deletion", () => {
  const store = new ChatStore();
  store.addMessages("r1", [msg(1, { content: "v1", edited_at: "2026-12-01T00:01:00.000Z" })]);
  store.addMessages("r1", [msg(1, { content: "stale" })]);
  assert.equal(store.getRoom("r1").messages[0]!.content, "v1");
  store.addMessages("r1", [msg(1, { content: "v2", edited_at: "2026-12-01T00:02:00.000Z" })]);
  assert.equal(store.getRoom("r1").messages[0]!.content, "v2");
  store.addMessages("r1", [msg(1, { content: "", deleted: true })]);
  assert.equal(store.getRoom("r1").messages[0]!.deleted, true);
});

test("a repeat of known messages changes nothing and notifies no one", () => {
  const store = new ChatStore();
  store.addMessages("r1", [msg(1), msg(2)]);
  const before = store.getRoom("r1");
  let calls = 0;
  store.subscribe(() => calls++);
  assert.equal(store.addMessages("r1", [msg(2), msg(1)]), 0);
  assert.equal(store.getRoom("r1"), before);
  assert.equal(calls, 0);
});

test("outbox: entries are added in order, updated in place, removed, and each change is reported for persistence", () => {
  const store = new ChatStore();
  const persisted: Array<readonly PendingMessage[]> = [];
  store.onOutboxChange((entries) => persisted.push(entries));
  store.addPending(pending("a"));
  store.addPending(pending("b"));
  store.addPending(pending("x", "r2"));
  store.updatePending("a", { state: "failed", error: "Not delivered" });
  assert.deepEqual(
    store.pendingEntries().map((p) => [p.id, p.state]),
    [
      ["a", "failed"],
      ["b", "sending"],
      ["x", "sending"],
    ],
  );
  assert.deepEqual(
    store.getPending("r1").map((p) => p.id),
    ["a", "b"],
  );
  assert.equal(store.pendingEntry("a")?.error, "Not delivered");
  store.removePending("a");
  store.removePending("missing");
  store.updatePending("missing", { state: "failed" });
  assert.deepEqual(
    store.getPending("r1").map((p) => p.id),
    ["b"],
  );
  assert.equal(persisted.length, 5, "add ×3, update, remove; unknown ids report nothing");
  assert.deepEqual(
    persisted.at(-1)!.map((p) => p.id),
    ["b", "x"],
  );
});

test("our own message arriving settles its outbox entry; someone else's with the same client id does not", () => {
  const store = new ChatStore();
  store.setMe(ME);
  store.addPending(pending("c1"));
  store.addPending(pending("c2"));
  store.addMessages("r1", [msg(1, { client_id: "c1", sender: "u-other" })]);
  assert.deepEqual(
    store.pendingEntries().map((p) => p.id),
    ["c1", "c2"],
  );
  store.addMessages("r1", [msg(2, { client_id: "c1", sender: ME.id })]);
  assert.deepEqual(
    store.pendingEntries().map((p) => p.id),
    ["c2"],
  );
  // The broadcast after the ack settled it: nothing new, still settled.
  store.addMessages("r1", [msg(2, { client_id: "c1", sender: ME.id })]);
  assert.deepEqual(
    store.getPending("r1").map((p) => p.id),
    ["c2"],
  );
});

test("read and delivered cursors only move forward", () => {
  const store = new ChatStore();
  store.advanceCursor("r1", "reads", "u1", 5);
  store.advanceCursor("r1", "reads", "u1", 3);
  store.advanceCursor("r1", "reads", "u1", 5);
  assert.equal(store.getRoom("r1").reads.u1, 5);
  store.advanceCursor("r1", "reads", "u1", 8);
  store.advanceCursor("r1", "delivered", "u1", 2);
  assert.deepEqual(store.getRoom("r1").reads, { u1: 8 });
  assert.deepEqual(store.getRoom("r1").delivered, { u1: 2 });
  // A user id that is also an Object.prototype key is an ordinary cursor.
  store.advanceCursor("r1", "reads", "constructor", 1);
  assert.equal(store.getRoom("r1").reads.constructor, 1);
});

test("selected slices keep their identity while unrelated state changes", () => {
  const store = new ChatStore();
  store.addMessages("r1", [msg(1)]);
  store.addPending(pending("a"));
  store.setPresence({ u1: { status: "online", last_seen: null } });
  const room = selectRoom("r1");
  const outbox = selectPending("r1");
  const before = { room: room(store.api.getState()), outbox: outbox(store.api.getState()), presence: selectPresence(store.api.getState()) };

  // Typing, messages, an outbox entry and a cursor in another room; the connection status; a notice.
  store.patchRoom("r2", { typing: ["bob"] });
  store.addMessages("r2", [msg(1, { room: "r2" })]);
  store.addPending(pending("x", "r2"));
  store.advanceCursor("r2", "reads", "u1", 1);
  store.setStatus("online");
  store.pushNotice("RATE_LIMITED", "Slow down");
  // Presence repeated unchanged.
  store.setPresence({ u1: { status: "online", last_seen: null } });

  const after = store.api.getState();
  assert.equal(room(after), before.room);
  assert.equal(outbox(after), before.outbox);
  assert.equal(selectPresence(after), before.presence);
  assert.equal(store.getRoom("r1"), before.room, "the imperative getter reads the same slice");

  store.patchRoom("r1", { typing: ["carol"] });
  assert.notEqual(room(store.api.getState()), before.room, "a change in the room itself is a new slice");
  assert.equal(outbox(store.api.getState()), before.outbox);
});

test("an unknown room reads as the one shared empty room, even for Object.prototype names", () => {
  const store = new ChatStore();
  assert.equal(store.getRoom("nope"), store.getRoom("other"));
  assert.equal(store.getRoom("constructor").messages.length, 0);
  assert.equal(store.getPending("constructor").length, 0);
});

test("patchRoom with equal values, a repeated status or a repeated notice does not notify", () => {
  const store = new ChatStore();
  let calls = 0;
  store.subscribe(() => calls++);
  store.patchRoom("r1", { loading: true });
  store.patchRoom("r1", { loading: true });
  store.setStatus("online");
  store.setStatus("online");
  store.pushNotice("X", "same");
  store.pushNotice("X", "same");
  assert.equal(calls, 3);
  store.setUpdate("required");
  store.setUpdate("available");
  assert.equal(store.getUpdate(), "required", "a required reload is final");
});

test("notices keep the last five and can be dismissed", () => {
  const store = new ChatStore();
  for (let i = 0; i < 7; i++) store.pushNotice("E", `n${i}`);
  assert.deepEqual(
    store.getNotices().map((n) => n.message),
    ["n2", "n3", "n4", "n5", "n6"],
  );
  store.dismissNotice(store.getNotices()[0]!.id);
  assert.equal(store.getNotices().length, 4);
});

test("reactions are set per emoji and dropped at zero", () => {
  const store = new ChatStore();
  store.addMessages("r1", [msg(1)]);
  store.setReaction("r1", "m1", { emoji: "👍", count: 2, users: ["a", "b"] });
  store.setReaction("r1", "m1", { emoji: "🎉", count: 1, users: ["a"] });
  store.setReaction("r1", "m1", { emoji: "👍", count: 0, users: [] });
  assert.deepEqual(store.getRoom("r1").messages[0]!.reactions, [{ emoji: "🎉", count: 1, users: ["a"] }]);
});
