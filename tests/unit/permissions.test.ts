import assert from "node:assert/strict";
import { test } from "node:test";
import { canJoin, canPost, canRead } from "@/server/chat/permissions";
import { canSee } from "@/server/chat/wire";

const publicRoom = { visibility: "public" as const, settings: {} };
const privateRoom = { visibility: "private" as const, settings: {} };

test("public rooms: anyone reads and joins; only members post", () => {
  assert.equal(canRead(publicRoom, null), true);
  assert.equal(canJoin(publicRoom, null), true);
  assert.equal(canPost(publicRoom, null), false);
  assert.equal(canPost(publicRoom, { role: "member" }), true);
});

test("private rooms admit members only", () => {
  assert.equal(canRead(privateRoom, null), false);
  assert.equal(canJoin(privateRoom, null), false);
  assert.equal(canJoin(privateRoom, { role: "member" }), true);
});

test("guests post only where the room allows it", () => {
  assert.equal(canPost(publicRoom, { role: "guest" }), false);
  assert.equal(canPost({ ...publicRoom, settings: { guests_can_post: true } }, { role: "guest" }), true);
});

test("private messages are visible to sender and recipient only", () => {
  assert.equal(canSee({ sender: "a", to: "b" }, "a"), true);
  assert.equal(canSee({ sender: "a", to: "b" }, "b"), true);
  assert.equal(canSee({ sender: "a", to: "b" }, "c"), false);
  assert.equal(canSee({ sender: "a", to: null }, "c"), true);
});
