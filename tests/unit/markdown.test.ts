import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Markdown } from "@/components/message/Markdown";
import { checkMarkdown, inlineMarks, lineDepth, MARKDOWN_LIMITS } from "@/lib/markdown/limits";

const html = (content: string) => renderToStaticMarkup(createElement(Markdown, { content }));

describe("markdown limits", () => {
  it("measures nesting from quotes, list markers and indentation", () => {
    assert.equal(lineDepth("plain").depth, 0);
    assert.equal(lineDepth("> > - 1. item").depth, 4);
    assert.equal(lineDepth("    - nested").depth, 3);
    assert.equal(lineDepth("-not a marker").depth, 0);
    assert.equal(lineDepth("> quoted").rest, "quoted");
  });

  it("renders nesting up to the bound as markdown and one level more as plain text", () => {
    const at = ">".repeat(MARKDOWN_LIMITS.depth) + " deep";
    const past = ">".repeat(MARKDOWN_LIMITS.depth + 1) + " deep";
    assert.deepEqual(checkMarkdown(at), { render: "markdown" });
    assert.deepEqual(checkMarkdown(past), { render: "plain", reason: "depth" });
    assert.match(html(at), /^<blockquote>/);
    assert.match(html(past), /data-markdown="plain"/);
  });

  it("turns markdown bombs into plain text", () => {
    const bombs = {
      quotes: ">".repeat(10_000) + " x",
      listItems: "- ".repeat(10_000) + "x",
      indentedList: Array.from({ length: 10_000 }, (_, i) => `${" ".repeat(i * 2)}- item`).join("\n"),
      backticks: "`".repeat(4_000),
      codeSpans: "`a".repeat(4_000),
      emphasis: "*a".repeat(2_000),
      nestedEmphasis: `${"*".repeat(2_000)}a${"*".repeat(2_000)}`,
      brackets: "[".repeat(2_000) + "]".repeat(2_000),
      wideTable: `${"|a".repeat(1_000)}\n${"|-".repeat(1_000)}\n${"a\n".repeat(1_000)}`,
    };
    for (const [name, source] of Object.entries(bombs)) {
      assert.equal(checkMarkdown(source).render, "plain", name);
      const out = html(source);
      assert.match(out, /^<p data-markdown="plain"/, name);
      assert.ok(!out.includes("<blockquote>") && !out.includes("<li>") && !out.includes("<td>"), name);
    }
  });

  it("does not count what is inside fenced code", () => {
    const code = ["```", ...Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}>>>> **x** [y] <z>`), "```"].join("\n");
    assert.deepEqual(checkMarkdown(code), { render: "markdown" });
    assert.deepEqual(checkMarkdown(`> quote\n${code}\n**after**`), { render: "markdown" });
  });

  it("keeps ordinary rich messages as markdown", () => {
    const message = ["# Notes", "**bold** _it_ ~~old~~ `code` https://example.com", "", "| a | b |", "|---|---|", "| 1 | 2 |", "", "- one", "  - two", "> quote"].join("\n");
    assert.deepEqual(checkMarkdown(message), { render: "markdown" });
    assert.equal(inlineMarks("**a** `b`"), 4);
  });
});

describe("markdown rendering", () => {
  it("renders GFM: emphasis, strike, code, tables, task lists, autolinks", () => {
    const out = html("**b** _i_ ~~s~~ `c`\n\n| h |\n|---|\n| v |\n\n- [x] done\n\nsee www.example.com");
    assert.ok(out.includes("<strong>b</strong>") && out.includes("<em>i</em>") && out.includes("<del>s</del>") && out.includes("<code>c</code>"));
    assert.ok(out.includes("<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>v</td></tr></tbody></table>"));
    assert.ok(out.includes('<input type="checkbox" disabled="" checked=""/>'));
    assert.ok(out.includes('<a href="http://www.example.com" rel="noopener noreferrer nofollow" target="_blank">www.example.com</a>'));
  });

  it("highlights fenced code with a language", () => {
    assert.match(html("```js\nconst a = 1;\n```"), /<code class="hljs language-js"><span class="hljs-keyword">const<\/span>/);
  });

  it("never makes links of javascript:, data: or vbscript: URLs", () => {
    for (const source of ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:msgbox(1))", "<javascript:alert(1)>", "[x](java\tscript:alert(1))"]) {
      const out = html(source);
      assert.ok(!/<a /.test(out), `${source} → ${out}`);
      assert.ok(!/href/i.test(out), `${source} → ${out}`);
    }
  });

  it("shows raw HTML as text and never as elements", () => {
    const out = html(`<img src=x onerror=alert(1)> <script>alert(1)</script>\n\n<iframe srcdoc="x"></iframe>\n\n<a href="https://x" onclick="y">a</a>`);
    assert.ok(!/<(img|script|iframe)/.test(out), out);
    assert.ok(!/<a /.test(out), out);
    assert.ok(out.includes("&lt;img src=x onerror=alert(1)&gt;") && out.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), out);
  });

  it("keeps quotes in autolinks inside the URL", () => {
    const out = html(`<https://example.com/"onmouseover="alert(1)> https://example.com/'onfocus='x`);
    assert.ok(!/ onmouseover=| onfocus=/.test(out), out);
    assert.equal(out.match(/<a /g)?.length, 2);
  });

  it("shows markdown images as links to them, never as images", () => {
    const out = html("![pixel](https://tracker.example/p.gif) [![inner](https://tracker.example/i.gif)](https://example.com) ![x](javascript:alert(1))");
    assert.ok(!out.includes("<img"), out);
    assert.ok(out.includes('<a href="https://tracker.example/p.gif" class="md-image" rel="noopener noreferrer nofollow" target="_blank">pixel</a>'), out);
    assert.ok(out.includes('<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">inner</a>'), out);
    assert.ok(!out.includes("javascript"), out);
  });
});
