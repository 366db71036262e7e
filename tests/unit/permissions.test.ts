import assert from "node:assert/strict";
import { test } from "node:test";
import { canDeleteMessage, canJoin, canPost, canRead, mayAttempt, mayInviteAs, mayModerate, type Standing } from "@/server/chat/permissions";
import type { RoomRole } from "@/protocol";
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

const standing = (role: RoomRole | null, extra: Partial<Standing> = {}): Standing => ({
  id: "actor",
  role,
  siteAdmin: false,
  banned: false,
  ...extra,
});

test("moderation needs a strictly higher rank than the target, and never touches the owner", () => {
  assert.equal(mayModerate(standing("moderator"), "ban", { id: "t", role: "member" }), true);
  assert.equal(mayModerate(standing("moderator"), "ban", { id: "t", role: "moderator" }), false, "peer");
  assert.equal(mayModerate(standing("moderator"), "ban", { id: "t", role: "admin" }), false, "superior");
  assert.equal(mayModerate(standing("admin"), "kick", { id: "t", role: "owner" }), false, "owner");
  assert.equal(mayModerate(standing("owner"), "kick", { id: "actor", role: "owner" }), false, "self");
  assert.equal(mayModerate(standing("member"), "mute", { id: "t", role: "guest" }), false, "members do not moderate");
  assert.equal(mayModerate(standing("moderator"), "ban", { id: "t", role: null }), true, "outsiders can be banned pre-emptively");
});

test("role changes: admins and up, to a role below their own", () => {
  assert.equal(mayModerate(standing("admin"), "role", { id: "t", role: "member" }, "moderator"), true);
  assert.equal(mayModerate(standing("admin"), "role", { id: "t", role: "member" }, "admin"), false);
  assert.equal(mayModerate(standing("owner"), "role", { id: "t", role: "member" }, "admin"), true);
  assert.equal(mayModerate(standing("owner"), "role", { id: "t", role: "member" }, "owner"), false);
  assert.equal(mayModerate(standing("moderator"), "role", { id: "t", role: "member" }, "guest"), false);
});

test("site admins outrank admins but not the owner; banned actors can do nothing", () => {
  const site = standing(null, { siteAdmin: true });
  assert.equal(mayModerate(site, "ban", { id: "t", role: "admin" }), true);
  assert.equal(mayModerate(site, "ban", { id: "t", role: "owner" }), false);
  for (const role of ["admin", "moderator", "member", null] as const) {
    assert.equal(mayModerate(standing("moderator"), "mute", { id: "t", role, siteAdmin: true }), false, `moderator vs site admin (${role})`);
    assert.equal(mayModerate(standing("admin"), "ban", { id: "t", role, siteAdmin: true }), false, `admin vs site admin (${role})`);
    assert.equal(mayModerate(site, "kick", { id: "t", role, siteAdmin: true }), false, `site admin vs site admin (${role})`);
    assert.equal(mayModerate(standing("owner"), "kick", { id: "t", role, siteAdmin: true }), true, `owner vs site admin (${role})`);
  }
  assert.equal(mayAttempt(site, "settings"), true);
  assert.equal(mayAttempt(standing("owner", { banned: true }), "settings"), false);
});

test("invites grant at most a role below the inviter's; deleting others' messages is for moderators", () => {
  assert.equal(mayInviteAs(standing("moderator"), "member"), true);
  assert.equal(mayInviteAs(standing("moderator"), "moderator"), false);
  assert.equal(mayInviteAs(standing("member"), "guest"), false);
  assert.equal(canDeleteMessage(standing("member"), { senderId: "actor" }), true);
  assert.equal(canDeleteMessage(standing("member"), { senderId: "other" }), false);
  assert.equal(canDeleteMessage(standing("moderator"), { senderId: "other" }), true);
});
