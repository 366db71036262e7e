import assert from "node:assert/strict";
import { describe, it } from "node:test";
import data from "emojibase-data/en/data.json";
import emojibaseShortcodes from "emojibase-data/en/shortcodes/emojibase.json";
import githubShortcodes from "emojibase-data/en/shortcodes/github.json";
import { lastEditable } from "@/lib/composer";
import { DRAFT_MAX_AGE_MS, draftKey, drafts, type DraftStorage } from "@/lib/drafts";
import { buildShortcodeMap, convertShortcodeAtCaret, insertAt, normalizeEmoji } from "@/lib/emoji/shortcodes";
import type { Message } from "@/protocol";

class MemoryStorage implements DraftStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe("shortcodes", () => {
  const map = buildShortcodeMap(data, githubShortcodes, emojibaseShortcodes);

  it("maps the familiar names from the shipped Emojibase data", () => {
    assert.equal(map["+1"], "👍");
    assert.equal(map.smile, "😄");
    assert.equal(map.tada, "🎉");
    assert.equal(map.heart, "❤️");
    // Emojibase's own names fill in where GitHub has none, without overriding GitHub's.
    assert.equal(map.grinning_face_with_closed_eyes, "😄");
  });

  it("lets earlier sets win a name both define", () => {
    const emojis = [
      { hexcode: "1", emoji: "A" },
      { hexcode: "2", emoji: "B" },
    ];
    assert.deepEqual(buildShortcodeMap(emojis, { "1": "x" }, { "2": ["x", "y"], "3": "z" }), { x: "A", y: "B" });
  });

  it("converts a shortcode when its closing colon is typed", () => {
    assert.deepEqual(convertShortcodeAtCaret("nice :tada:", 11, map), { value: "nice 🎉", caret: 7 });
    assert.deepEqual(convertShortcodeAtCaret(":+1: and more", 4, map), { value: "👍 and more", caret: 2 });
    assert.deepEqual(convertShortcodeAtCaret("(:smile:", 8, map), { value: "(😄", caret: 3 });
  });

  it("leaves unknown names, times, words and inline code alone", () => {
    assert.equal(convertShortcodeAtCaret("see :nope_not_an_emoji:", 23, map), null);
    assert.equal(convertShortcodeAtCaret("at 12:100:", 10, map), null);
    assert.equal(convertShortcodeAtCaret("a:smile:", 8, map), null);
    assert.equal(convertShortcodeAtCaret("`x :smile:", 10, map), null);
    assert.equal(convertShortcodeAtCaret(":smile: later", 13, map), null);
    assert.equal(convertShortcodeAtCaret(":constructor:", 13, map), null);
    assert.equal(convertShortcodeAtCaret(":__proto__:", 11, map), null);
  });

  it("drops a redundant VS16 so picker and quick reactions agree", () => {
    assert.equal(normalizeEmoji("\u{1F44D}\uFE0F"), "👍");
    // U+2764 is text by default: its VS16 is what makes it an emoji.
    assert.equal(normalizeEmoji("\u2764\uFE0F"), "\u2764\uFE0F");
    assert.equal(normalizeEmoji("👩‍💻"), "👩‍💻");
  });

  it("inserts at the selection", () => {
    assert.deepEqual(insertAt("hello world", 6, 11, "🎉"), { value: "hello 🎉", caret: 8 });
  });
});

describe("drafts", () => {
  it("keeps a draft per user and room until it is cleared", () => {
    const storage = new MemoryStorage();
    const ann = drafts(storage, "ann");
    const bob = drafts(storage, "bob");
    ann.save("r1", "half a thought");
    ann.save("r2", "another");
    assert.equal(ann.load("r1"), "half a thought");
    assert.equal(ann.load("r2"), "another");
    assert.equal(bob.load("r1"), "");
    // A new instance (a reload) reads the same drafts.
    assert.equal(drafts(storage, "ann").load("r1"), "half a thought");
    ann.save("r1", "");
    assert.equal(ann.load("r1"), "");
    assert.equal(storage.items.has(draftKey("ann", "r1")), false);
    ann.save("r2", "   ");
    assert.equal(storage.items.size, 0);
  });

  it("drops stale and malformed drafts", () => {
    const storage = new MemoryStorage();
    let now = 1_000;
    const ann = drafts(storage, "ann", () => now);
    ann.save("r1", "old");
    now += DRAFT_MAX_AGE_MS + 1;
    assert.equal(ann.load("r1"), "");
    assert.equal(storage.items.size, 0);
    storage.setItem(draftKey("ann", "r2"), "{not json");
    storage.setItem(draftKey("ann", "r3"), JSON.stringify({ text: 5, at: now }));
    assert.equal(ann.load("r2"), "");
    assert.equal(ann.load("r3"), "");
  });

  it("works without storage", () => {
    const none = drafts(undefined, "ann");
    none.save("r1", "x");
    assert.equal(none.load("r1"), "");
  });
});

describe("edit last message", () => {
  const msg = (over: Partial<Message>): Message =>
    ({ id: "m", room: "r", seq: 1, sender: "me", kind: "text", content: "c", client_id: "c", created_at: "2026-12-01T00:00:00Z", ...over }) as Message;

  it("finds the newest own chat message that is not deleted", () => {
    const messages = [msg({ id: "a", content: "mine" }), msg({ id: "b", sender: "other" }), msg({ id: "c", deleted: true }), msg({ id: "d", kind: "system" })];
    assert.deepEqual(lastEditable(messages, "me"), { id: "a", content: "mine" });
    assert.equal(lastEditable(messages, "other")?.id, "b");
    assert.equal(lastEditable(messages, undefined), null);
    assert.equal(lastEditable([], "me"), null);
  });
});
