/**
 * The room's text in the reader's language: system lines are worded from their structured meta
 * (the English must read exactly as the server's stored sentence), and the helpers that build
 * sentences say them in German too.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFormatter, createTranslator } from "next-intl";
import { describeSystemLine } from "@/components/room/system-line";
import { muteText, seenByText, typingText } from "@/components/room/RoomView";
import { formats } from "@/i18n/formats";
import { catalogs, en } from "@/i18n/messages";
import type { SystemMeta } from "@/protocol";
import { describeSystemEvent } from "@/server/chat/system-messages";

const english = createTranslator({ locale: "en", messages: en, namespace: "room" });
const german = createTranslator({ locale: "de", messages: catalogs.de as typeof en, namespace: "room" });

const ann = { id: "a", username: "ann" };
const ben = { id: "b", username: "ben" };
const EVERY_EVENT: SystemMeta[] = [
  { event: "joined", target: ben },
  { event: "left", target: ben },
  { event: "kicked", actor: ann, target: ben, reason: "off topic" },
  { event: "kicked", actor: ann, target: ben, reason: null },
  { event: "banned", actor: ann, target: ben, reason: "spam" },
  { event: "unbanned", actor: ann, target: ben, reason: null },
  { event: "muted", actor: ann, target: ben, until: "2030-01-01T00:00:00.000Z", reason: "calm down" },
  { event: "unmuted", actor: ann, target: ben, reason: null },
  { event: "role", actor: ann, target: ben, role: "admin", from: "member", reason: null },
  { event: "role", actor: ann, target: ben, role: "moderator", from: "member", reason: "trusted" },
  { event: "role", actor: ann, target: ben, role: "member", from: "moderator", reason: null },
  { event: "role", actor: ann, target: ben, role: "guest", from: "member", reason: null },
  { event: "role", actor: ann, target: ben, role: "owner", from: "admin", reason: null },
  { event: "renamed", actor: ann, from: "old", to: "new {name}" },
  { event: "topic", actor: ann, from: "", to: "Plans for 'Q3'" },
  { event: "topic", actor: ann, from: "old", to: "" },
  { event: "visibility", actor: ann, from: "public", to: "private" },
  { event: "visibility", actor: ann, from: "private", to: "public" },
  { event: "settings", actor: ann, changed: ["slow_mode_s", "system_joins", "room_mentions", "some_future_key"] },
];

describe("system lines", () => {
  it("read in English exactly as the server's stored sentence, for every event", () => {
    for (const meta of EVERY_EVENT) assert.equal(describeSystemLine(meta, english), describeSystemEvent(meta), meta.event);
  });

  it("read in German from the same fields", () => {
    assert.equal(describeSystemLine({ event: "joined", target: ben }, german), "ben ist beigetreten");
    assert.equal(describeSystemLine({ event: "kicked", actor: ann, target: ben, reason: "off topic" }, german), "ann hat ben entfernt: off topic");
    assert.equal(describeSystemLine({ event: "role", actor: ann, target: ben, role: "moderator", from: null, reason: null }, german), "ann hat ben zum Moderator gemacht");
    assert.equal(describeSystemLine({ event: "visibility", actor: ann, from: "public", to: "private" }, german), "ann hat den Raum privat gemacht");
    assert.equal(describeSystemLine({ event: "settings", actor: ann, changed: ["slow_mode_s", "x_y"] }, german), "ann hat den langsamen Modus, x_y geändert");
  });
});

describe("room sentences", () => {
  it("typing line, seen-by and mute notice in English and German", () => {
    assert.equal(typingText(["ann"], english), "ann is typing…");
    assert.equal(typingText(["ann", "ben"], german), "ann und ben schreiben…");
    assert.equal(typingText(["a", "b", "c"], german), "Mehrere Personen schreiben…");
    assert.deepEqual(seenByText(["ann", "ben"], english), { label: "Seen by ann, ben", title: "ann, ben" });
    assert.equal(seenByText(["a", "b", "c", "d"], german)?.label, "Gesehen von 4");

    const now = Date.parse("2026-12-01T12:00:00Z");
    const format = createFormatter({ locale: "de", formats, timeZone: "UTC" });
    assert.equal(muteText({ until: null, reason: "spam" }, now, german, format), "Du bist bis auf Weiteres stummgeschaltet. Grund: spam");
    assert.equal(muteText({ until: "2026-12-01T14:05:00Z", reason: null }, now, german, format), "Du bist stummgeschaltet bis 01.12.2026, 14:05");
    assert.equal(muteText({ until: "2026-12-01T11:00:00Z", reason: null }, now, german, format), null);
  });
});
