import assert from "node:assert/strict";
import { test } from "node:test";
import { messageSummary } from "@/lib/format";

test("a message with text is summarized by its text, attachments or not", () => {
  assert.equal(messageSummary({ content: "hello", attachments: [{ name: "a.png" }] }), "hello");
  assert.equal(messageSummary({ content: "" }), "");
});

test("a message of files only names them; a voice note says so", () => {
  assert.equal(messageSummary({ content: "", kind: "file", attachments: [{ name: "report.pdf" }] }), "📎 report.pdf");
  assert.equal(messageSummary({ content: " ", kind: "image", attachments: [{ name: "a.png" }, { name: "b.png" }, { name: "c.png" }] }), "📎 a.png and 2 more");
  assert.equal(messageSummary({ content: "", kind: "voice", attachments: [{ name: "voice.wav" }] }), "🎤 Voice message");
});
