import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { parseClientFrame, parseServerFrame, SystemMeta, systemMetaOf, type Message } from "@/protocol";
import { RoomSettings } from "@/protocol/rest";
import { effectiveSetting, ROOM_SETTING_DEFAULTS, settingChanged } from "@/protocol/room-settings";
import { describeSystemEvent, roomChangeEvents } from "@/server/chat/system-messages";

const alice = { id: randomUUID(), username: "alice" };
const bob = { id: randomUUID(), username: "bob" };
const room = { name: "lobby", topic: "", visibility: "public", settings: {} as Record<string, unknown> };

test("a client may not send kind system; the server's message frames carry it", () => {
  const id = randomUUID();
  const roomId = randomUUID();
  const refused = parseClientFrame(JSON.stringify({ type: "send", id, room: roomId, content: "bob joined", kind: "system" }));
  assert.ok(!refused.ok && refused.field === "kind");
  const message: Message = {
    id: randomUUID(),
    room: roomId,
    seq: 3,
    sender: bob.id,
    kind: "system",
    content: "bob joined",
    client_id: `system:${randomUUID()}`,
    meta: { event: "joined", target: bob },
    created_at: new Date().toISOString(),
  };
  const frame = parseServerFrame(JSON.stringify({ type: "message", room: roomId, message }));
  assert.ok(frame?.type === "message");
  assert.deepEqual(systemMetaOf(frame.message), { event: "joined", target: bob });
  assert.equal(systemMetaOf({ kind: "text", meta: { event: "joined", target: bob } }), null, "only system messages have system meta");
  assert.equal(systemMetaOf({ kind: "system", meta: { event: "pinned", actor: alice } }), null, "an event this build does not know: show content");
});

test("each event reads as one plain sentence", () => {
  const cases: Array<[SystemMeta, string]> = [
    [{ event: "joined", target: bob }, "bob joined"],
    [{ event: "left", target: bob }, "bob left"],
    [{ event: "kicked", actor: alice, target: bob, reason: null }, "alice removed bob"],
    [{ event: "banned", actor: alice, target: bob, reason: "spam" }, "alice banned bob: spam"],
    [{ event: "unbanned", actor: alice, target: bob, reason: null }, "alice unbanned bob"],
    [{ event: "muted", actor: alice, target: bob, until: new Date().toISOString(), reason: "cool down" }, "alice muted bob: cool down"],
    [{ event: "unmuted", actor: alice, target: bob, reason: null }, "alice unmuted bob"],
    [{ event: "role", actor: alice, target: bob, role: "admin", from: "member", reason: null }, "alice made bob an admin"],
    [{ event: "role", actor: alice, target: bob, role: "moderator", from: "member", reason: null }, "alice made bob a moderator"],
    [{ event: "renamed", actor: alice, from: "a", to: "Lobby" }, "alice renamed the room to “Lobby”"],
    [{ event: "topic", actor: alice, from: "", to: "news" }, "alice changed the topic to “news”"],
    [{ event: "topic", actor: alice, from: "news", to: "" }, "alice cleared the topic"],
    [{ event: "visibility", actor: alice, from: "public", to: "private" }, "alice made the room private"],
    [{ event: "settings", actor: alice, changed: ["slow_mode_s", "retention_days"] }, "alice changed slow mode, retention"],
  ];
  for (const [meta, sentence] of cases) {
    assert.ok(SystemMeta.safeParse(meta).success, meta.event);
    assert.equal(describeSystemEvent(meta), sentence);
  }
});

test("a room update gives one line per kind of real change, and none for defaults saved explicitly", () => {
  const saved = { ...room, settings: { files_allowed: true, typing_indicators: true, slow_mode_s: 0, guests_can_post: false, system_joins: true } };
  assert.deepEqual(roomChangeEvents(alice, room, saved), []);
  const changed = { name: "lounge", topic: "hi", visibility: "private", settings: { slow_mode_s: 10, member_limit: 50 } };
  assert.deepEqual(roomChangeEvents(alice, room, changed), [
    { event: "renamed", actor: alice, from: "lobby", to: "lounge" },
    { event: "topic", actor: alice, from: "", to: "hi" },
    { event: "visibility", actor: alice, from: "public", to: "private" },
    { event: "settings", actor: alice, changed: ["member_limit", "slow_mode_s"] },
  ]);
  assert.deepEqual(roomChangeEvents(alice, changed, { ...changed, settings: { slow_mode_s: 10 } }), [{ event: "settings", actor: alice, changed: ["member_limit"] }], "a removed setting is a change");
});

test("every setting has a default, so no setting saved at its default reads as a change", () => {
  // The settings form sends every field on each save, the assistant and @room toggles included.
  const allDefaults: Record<string, unknown> = { ...ROOM_SETTING_DEFAULTS };
  assert.deepEqual(Object.keys(allDefaults).sort(), Object.keys(RoomSettings.shape).sort());
  assert.deepEqual(roomChangeEvents(alice, room, { ...room, settings: allDefaults }), []);
  assert.deepEqual(roomChangeEvents(alice, room, { ...room, settings: { assistant: true, room_mentions: true } }), []);
  assert.deepEqual(roomChangeEvents(alice, room, { ...room, settings: { assistant: false } }), [{ event: "settings", actor: alice, changed: ["assistant"] }]);
  assert.equal(describeSystemEvent({ event: "settings", actor: alice, changed: ["assistant"] }), "alice changed the assistant");
  assert.equal(effectiveSetting({}, "assistant"), true);
  assert.equal(effectiveSetting({ assistant: false }, "assistant"), false);
  assert.equal(effectiveSetting({ retention_days: null }, "retention_days"), null);
  assert.equal(settingChanged({}, { member_limit: null }, "member_limit"), false);
  assert.equal(settingChanged({}, { member_limit: 10 }, "member_limit"), true);
});
