import assert from "node:assert/strict";
import { test } from "node:test";
import { createTranslator } from "use-intl/core";
import { formats } from "@/i18n/formats";
import { messagesFor } from "@/i18n/messages";
import { formatAgo, formatDay, messageSummary } from "@/lib/format";

const en = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "format" });
const de = createTranslator({ locale: "de", messages: messagesFor("de"), namespace: "format" });

test("a message with text is summarized by its text, attachments or not", () => {
  assert.equal(messageSummary({ content: "hello", attachments: [{ name: "a.png" }] }, en), "hello");
  assert.equal(messageSummary({ content: "" }, en), "");
});

test("a message of files only names them; a voice note says so", () => {
  assert.equal(messageSummary({ content: "", kind: "file", attachments: [{ name: "report.pdf" }] }, en), "📎 report.pdf");
  assert.equal(messageSummary({ content: " ", kind: "image", attachments: [{ name: "a.png" }, { name: "b.png" }, { name: "c.png" }] }, en), "📎 a.png and 2 more");
  assert.equal(messageSummary({ content: "", kind: "voice", attachments: [{ name: "voice.wav" }] }, en), "🎤 Voice message");
});

test("summaries, last-seen times and day names in German", () => {
  assert.equal(messageSummary({ content: "", kind: "voice", attachments: [{ name: "voice.wav" }] }, de), "🎤 Sprachnachricht");
  assert.equal(messageSummary({ content: "", kind: "file", attachments: [{ name: "a.png" }, { name: "b.png" }] }, de), "📎 a.png und 1 weitere");
  const now = Date.parse("2026-12-02T12:00:00Z");
  assert.equal(formatAgo("2026-12-02T11:59:30Z", de, now), "gerade eben");
  assert.equal(formatAgo("2026-12-02T11:55:00Z", de, now), "vor 5 Min.");
  assert.equal(formatAgo("2026-12-01T12:00:00Z", de, now), "vor 1 Tag");
  assert.equal(formatAgo("2026-11-29T12:00:00Z", de, now), "vor 3 Tagen");
  assert.equal(formatAgo("2026-12-02T09:00:00Z", en, now), "3 h ago");
  assert.equal(formatAgo("2026-11-29T12:00:00Z", en, now), "3 days ago");
  assert.equal(formatAgo("2026-12-01T12:00:00Z", en, now), "1 day ago");
});

test("day separators: today, yesterday, else the weekday in the reader's language", () => {
  const day = (locale: "en" | "de") => ({ dateTime: (d: Date) => new Intl.DateTimeFormat(locale, formats.dateTime.day).format(d) });
  const now = new Date(2026, 11, 2, 12);
  assert.equal(formatDay(new Date(2026, 11, 2, 8).toISOString(), de, day("de"), now), "Heute");
  assert.equal(formatDay(new Date(2026, 11, 1, 8).toISOString(), en, day("en"), now), "Yesterday");
  assert.equal(formatDay(new Date(2026, 10, 24, 8).toISOString(), de, day("de"), now), "Dienstag, 24. Nov.");
  assert.equal(formatDay(new Date(2026, 10, 24, 8).toISOString(), en, day("en"), now), "Tuesday, Nov 24");
});
