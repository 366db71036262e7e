import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHighlight } from "@/lib/highlight";

test("marks become parts, entities become text, and nothing else is markup", () => {
  assert.deepEqual(parseHighlight("we <mark>deploy</mark> &lt;img onerror=&quot;x&quot;&gt; &amp; &#39;q&#39;"), [
    { text: "we ", mark: false },
    { text: "deploy", mark: true },
    { text: ` <img onerror="x"> & 'q'`, mark: false },
  ]);
  assert.deepEqual(parseHighlight(""), []);
  // An entity is decoded once: "&amp;lt;" was the literal text "&lt;".
  assert.deepEqual(parseHighlight("&amp;lt;"), [{ text: "&lt;", mark: false }]);
});
