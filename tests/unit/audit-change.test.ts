/**
 * The room audit log's "what changed" column, built from the entry's structured details in the
 * reader's language: English reads as it always has, German gets its own words, role names,
 * visibility and number format.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createFormatter, createTranslator } from "next-intl";
import { describeChange } from "@/components/manage/AuditLog";
import type { Locale } from "@/i18n/config";
import { formats } from "@/i18n/formats";
import { messagesFor } from "@/i18n/messages";

function describeIn(locale: Locale) {
  const t = createTranslator({ locale, messages: messagesFor(locale), namespace: "manage" });
  const format = createFormatter({ locale, formats, timeZone: "UTC" });
  return (action: string, details: Record<string, unknown> | null) => describeChange({ action, details }, t, format);
}

const settings = { changes: [{ field: "topic", from: null, to: "planning" }, { field: "visibility", from: "public", to: "private" }, { field: "files_allowed", from: true, to: false }] };

test("English audit changes read as before", () => {
  const describe = describeIn("en");
  assert.equal(describe("settings", settings), "topic: none → planning; visibility: public → private; files allowed: on → off");
  assert.equal(describe("settings", { changes: [{ field: "slow_mode_s", from: 0, to: 30 }] }), "slow mode s: 0 → 30");
  assert.equal(describe("role", { role: "moderator", from: "member" }), "member → moderator");
  assert.equal(describe("role", { role: "guest", from: null }), "→ guest");
  assert.equal(describe("mute", { duration_s: 3600 }), "for 1 h");
  assert.equal(describe("mute", { duration_s: 90 }), "for 90 s");
  assert.equal(describe("mute", { duration_s: null }), "until unmuted");
  assert.equal(describe("invite_created", { role: "member", max_uses: null }), "role member");
  assert.equal(describe("invite_created", { role: "member", max_uses: 5 }), "role member, up to 5 uses");
  assert.equal(describe("invite_accepted", { role: "guest" }), "as guest");
  assert.equal(describe("ban", null), "");
});

test("German audit changes translate fields, values, roles and numbers", () => {
  const describe = describeIn("de");
  assert.equal(describe("settings", settings), "Thema: keine → planning; Sichtbarkeit: öffentlich → privat; Dateien erlaubt: an → aus");
  assert.equal(describe("settings", { changes: [{ field: "member_limit", from: 1500, to: 2.5 }] }), "Mitgliederlimit: 1.500 → 2,5");
  assert.equal(describe("role", { role: "moderator", from: "member" }), "Mitglied → Moderator");
  assert.equal(describe("mute", { duration_s: 2 * 86_400 }), "für 2 Tg.");
  assert.equal(describe("mute", { duration_s: null }), "bis zur Aufhebung");
  assert.equal(describe("invite_created", { role: "guest", max_uses: 1 }), "Rolle Gast, höchstens 1 Nutzung");
  assert.equal(describe("invite_accepted", { role: "admin" }), "als Admin");
});

test("a topic that reads like a role stays as written; an unknown field reads as its key in words", () => {
  const describe = describeIn("de");
  assert.equal(describe("settings", { changes: [{ field: "topic", from: "admin", to: "guest" }] }), "Thema: admin → guest");
  assert.equal(describe("settings", { changes: [{ field: "new_thing", from: 1, to: 2 }] }), "new thing: 1 → 2");
});
