import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/i18n/messages";
import { notificationText, shouldNotify, tabTitle, totalUnread, type Incoming, type NotifyContext } from "@/lib/notify";

const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "shell" });
const de = createTranslator({ locale: "de", messages: messagesFor("de"), namespace: "shell" });

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
    assert.equal(tabTitle(totalUnread(rooms, null), "#general", t), "(3) #general · Confab");
    assert.equal(totalUnread(rooms, "a"), 1);
    assert.equal(tabTitle(0, "#general", t), "#general · Confab");
    assert.equal(tabTitle(4, null, t), "(4) Confab");
    assert.equal(tabTitle(5000, null, t), "(999+) Confab");
  });
});

describe("notification text", () => {
  test("mentions say so; long text is cut; unknown content is generic", () => {
    assert.deepEqual(notificationText({ roomLabel: "#dev", senderName: "Bob", content: "hi", mention: true }, t), { title: "Bob mentioned you in #dev", body: "hi" });
    assert.equal(notificationText({ roomLabel: "#dev", senderName: null, content: null, mention: false }, t).title, "Someone in #dev");
    assert.equal(notificationText({ roomLabel: "#dev", senderName: "B", content: "x".repeat(500), mention: false }, t).body.length, 200);
  });
  test("in German", () => {
    assert.deepEqual(notificationText({ roomLabel: "#dev", senderName: "Bob", content: null, mention: true }, de), { title: "Bob hat dich in #dev erwähnt", body: "Neue Nachricht" });
    assert.equal(notificationText({ roomLabel: "#dev", senderName: null, content: "hi", mention: false }, de).title, "Jemand in #dev");
    assert.equal(tabTitle(1234, "#dev", de), "(999+) #dev · Confab");
  });
});
