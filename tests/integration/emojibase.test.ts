/**
 * The emoji picker's data from our own origin: English and German names, one shortcode map,
 * nothing else; cached by ETag.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

test("English and German emoji data are served with an ETag; shortcodes only in English; other paths are 404", async () => {
  const en = await get("/emojibase/en/data.json");
  const de = await get("/emojibase/de/data.json");
  assert.equal(en.status, 200);
  assert.equal(de.status, 200);
  type Emoji = { hexcode: string; label: string };
  const thumbsUp = (list: Emoji[]) => list.find((e) => e.hexcode === "1F44D")?.label;
  assert.equal(thumbsUp((await en.json()) as Emoji[]), "thumbs up");
  assert.notEqual(thumbsUp((await de.json()) as Emoji[]), "thumbs up", "German names differ from English");

  const groups = (await (await get("/emojibase/de/messages.json")).json()) as { groups: { message: string }[] };
  assert.ok(groups.groups.length > 0);

  assert.equal((await get("/emojibase/en/shortcodes.json")).status, 200);
  for (const path of ["/emojibase/de/shortcodes.json", "/emojibase/fr/data.json", "/emojibase/en/nope.json", "/emojibase/constructor/data.json"]) {
    assert.equal((await get(path)).status, 404, path);
  }

  const etag = de.headers.get("etag");
  assert.ok(etag);
  assert.equal((await get("/emojibase/de/data.json", { "if-none-match": etag })).status, 304);
});
