import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { notificationText, shouldNotify, tabTitle, totalUnread, type Incoming, type NotifyContext } from "@/lib/notify";

const message: Incoming = { room: "r", seq: 5, sender: "bob", mention: false, system: false };
const ctx: NotifyContext = { me: "me", level: "all", status: "online", anyTabVisible: false, permission: "granted" };

describe("shouldNotify", () => {
  test("a hidden user with permission hears about others' messages at level all", () => {
    assert.equal(shouldNotify(message, ctx), true);
  });
  test("levels: mentions needs a mention, none never notifies", () => {
    assert.equal(shouldNotify(message, { ...ctx, level: "mentions" }), false);
    assert.equal(shouldNotify({ ...message, mention: true }, { ...ctx, level: "mentions" }), true);
    assert.equal(shouldNotify({ ...message, mention: true }, { ...ctx, level: "none" }), false);
    assert.equal(shouldNotify(message, { ...ctx, level: undefined }), false, "unknown level: mentions only");
  });
  test("never: while a tab is visible, without permission, in do-not-disturb, for own or system messages", () => {
    assert.equal(shouldNotify(message, { ...ctx, anyTabVisible: true }), false);
    assert.equal(shouldNotify(message, { ...ctx, permission: "default" }), false);
    assert.equal(shouldNotify(message, { ...ctx, permission: "unsupported" }), false);
    assert.equal(shouldNotify({ ...message, mention: true }, { ...ctx, status: "dnd" }), false);
    assert.equal(shouldNotify({ ...message, sender: "me" }, ctx), false);
    assert.equal(shouldNotify({ ...message, system: true }, ctx), false);
  });
});

describe("tab title", () => {
  test("counts unread over rooms and names the open room", () => {
    const rooms = [
      { id: "a", unread: 2 },
      { id: "b", unread: 1 },
      { id: "c" },
    ];
    assert.equal(tabTitle(totalUnread(rooms, null), "#general"), "(3) #general · Confab");
    assert.equal(totalUnread(rooms, "a"), 1);
    assert.equal(tabTitle(0, "#general"), "#general · Confab");
    assert.equal(tabTitle(4, null), "(4) Confab");
    assert.equal(tabTitle(5000, null), "(999+) Confab");
  });
});

describe("notification text", () => {
  test("mentions say so; long text is cut; unknown content is generic", () => {
    assert.deepEqual(notificationText({ roomLabel: "#dev", senderName: "Bob", content: "hi", mention: true }), { title: "Bob mentioned you in #dev", body: "hi" });
    assert.equal(notificationText({ roomLabel: "#dev", senderName: null, content: null, mention: false }).title, "Someone in #dev");
    assert.equal(notificationText({ roomLabel: "#dev", senderName: "B", content: "x".repeat(500), mention: false }).body.length, 200);
  });
});
