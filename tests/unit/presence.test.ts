import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmoji } from "@/protocol";
import { mergeStatuses } from "@/server/presence/status";
import { MemoryPresenceStore } from "@/server/presence/store";

test("a user's status merges their tabs: dnd wins, then the most present tab", () => {
  assert.equal(mergeStatuses([]), null);
  assert.equal(mergeStatuses(["away", "idle"]), "idle");
  assert.equal(mergeStatuses(["idle", "online", "away"]), "online");
  assert.equal(mergeStatuses(["online", "dnd"]), "dnd");
});

test("expired entries are ignored by reads and claimed exactly once", async () => {
  const store = new MemoryPresenceStore();
  await store.set("u1", "i1", "online", 1000);
  await store.set("u1", "i2", "idle", -1);
  await store.set("u2", "i2", "online", -1);
  assert.deepEqual((await store.get(["u1", "u2", "u3"])).get("u1"), ["online"]);
  assert.deepEqual((await store.get(["u2"])).get("u2"), []);
  assert.deepEqual((await store.claimExpired(Date.now())).sort(), ["u1", "u2"]);
  assert.deepEqual(await store.claimExpired(Date.now()), []);
  await store.remove("u1", "i1");
  assert.deepEqual((await store.get(["u1"])).get("u1"), []);
});

test("reactions accept one emoji grapheme and nothing else", () => {
  for (const ok of ["👍", "👍🏽", "🇫🇷", "👩‍👩‍👧", "❤️", "🎉"]) assert.equal(isEmoji(ok), true, ok);
  for (const bad of ["", "a", "ab", "👍👍", ":+1:", "<b>", "1", "#"]) assert.equal(isEmoji(bad), false, bad);
});
