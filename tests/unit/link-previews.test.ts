/** The pure parts of link previews: which link a message previews, and what a page yields. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { firstLink } from "@/server/link-previews/extract";
import { parsePreview } from "@/server/link-previews/parse";

describe("firstLink", () => {
  test("finds the first http(s) link and trims what people type after it", () => {
    assert.equal(firstLink("see https://example.com/a?b=1."), "https://example.com/a?b=1");
    assert.equal(firstLink("(http://example.com/x)"), "http://example.com/x");
    assert.equal(firstLink("[docs](https://example.com/docs) and https://other.example"), "https://example.com/docs");
    assert.equal(firstLink("https://en.wikipedia.org/wiki/Foo_(bar)!"), "https://en.wikipedia.org/wiki/Foo_(bar)");
    assert.equal(firstLink("HTTPS://Example.COM/Path#frag"), "https://example.com/Path", "normalized, fragment dropped");
  });

  test("ignores other schemes, credentials and text without links", () => {
    assert.equal(firstLink("no links here"), null);
    assert.equal(firstLink("javascript:alert(1) ftp://example.com file:///etc/passwd"), null);
    assert.equal(firstLink("https://user:pass@example.com/ then http://ok.example/"), "http://ok.example/");
    assert.equal(firstLink(`https://example.com/${"a".repeat(3000)}`), null, "overlong links are skipped");
  });
});

describe("parsePreview", () => {
  test("prefers Open Graph, falls back to <title> and meta description, never keeps og:image", () => {
    const og = parsePreview(`<head><title>T</title><meta property="og:title" content="OG &amp; co"><meta property="og:description" content="D"><meta property="og:site_name" content="S"><meta property="og:image" content="http://x/i.png"></head>`);
    assert.deepEqual(og, { title: "OG & co", description: "D", site_name: "S" });
    const plain = parsePreview(`<html><head><title>\n  Plain\ttitle </title><meta name="Description" content=" about "></head></html>`);
    assert.deepEqual(plain, { title: "Plain title", description: "about" });
  });

  test("no title, no preview; an <svg> title is not the page's; text is capped and cleaned", () => {
    assert.equal(parsePreview("<html><body><p>hello</p></body></html>"), null);
    assert.equal(parsePreview("<body><svg><title>icon</title></svg></body>"), null);
    const long = parsePreview(`<title>${"x".repeat(500)}</title><meta name="description" content="a\u0000b">`);
    assert.equal(long?.title.length, 300);
    assert.equal(long?.description, "a b", "U+0000 (unstorable) is dropped");
  });
});
