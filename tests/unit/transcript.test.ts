import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Message } from "@/protocol";
import { escapeHtml, transcriptHead, transcriptMessage, transcriptTail } from "@/server/exports/transcript";

const message = (over: Partial<Message> = {}): Message => ({
  id: "00000000-0000-4000-8000-000000000001",
  room: "00000000-0000-4000-8000-000000000002",
  seq: 7,
  sender: "00000000-0000-4000-8000-000000000003",
  sender_name: "ann",
  kind: "text",
  content: "hello",
  to: null,
  reply_to: null,
  client_id: "c1",
  meta: null,
  created_at: "2026-12-01T10:00:00.000Z",
  edited_at: null,
  ...over,
});

describe("HTML transcript", () => {
  it("escapes every character that could open markup or an attribute", () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });

  it("renders user text, names and room details as text", () => {
    const page =
      transcriptHead({ name: "<script>room</script>", topic: `"topic" <img src=x>` }, new Date("2026-12-01T00:00:00Z")) +
      transcriptMessage(message({ sender_name: "<b>eve</b>", content: "</style><script>alert(1)</script>" })) +
      transcriptTail(1);
    assert.ok(!/<script|<img|<b>/i.test(page), page);
    assert.ok(page.includes("&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(page.includes("&lt;b&gt;eve&lt;/b&gt;"));
    assert.ok(page.includes("default-src 'none'"), "its own CSP: nothing loads or runs even if served in place");
  });

  it("lists attachments by URL, linking only http(s)", () => {
    const html = transcriptMessage(message({ kind: "file", content: "https://files.example/a.pdf", meta: { attachments: [{ url: "javascript:alert(1)" }, "https://files.example/b.png"] } }));
    assert.ok(html.includes(`<a href="https://files.example/a.pdf"`));
    assert.ok(html.includes(`<a href="https://files.example/b.png"`));
    assert.ok(!html.includes(`href="javascript:`), "no script URL becomes a link");
    assert.ok(html.includes("<li>javascript:alert(1)</li>"), "but it is still listed, as text");
  });

  it("shows deleted messages as tombstones without their attachments", () => {
    const html = transcriptMessage(message({ content: "", deleted: true, meta: { attachments: ["https://files.example/a"] } }));
    assert.ok(html.includes("(deleted)"));
    assert.ok(!html.includes("files.example"));
  });
});
