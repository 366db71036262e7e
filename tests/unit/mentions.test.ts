import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { activeMention, applyMention, mentionOptions } from "@/lib/mention-autocomplete";
import { isViewerMention, mentionSpans, parseMentions } from "@/protocol/mentions";

describe("parseMentions", () => {
  test("names are lower-cased, with a trailing-punctuation variant; keywords are flags, not names", () => {
    assert.deepEqual(parseMentions("hi @Alice, @bob. and @here / @room!"), { names: ["alice", "bob.", "bob"], here: true, room: true });
  });
  test("an @ inside a word or an e-mail address mentions nobody", () => {
    assert.deepEqual(parseMentions("mail bob@example.com or x@alice"), { names: [], here: false, room: false });
  });
  test("mentions may follow punctuation and start the text", () => {
    assert.deepEqual(parseMentions("@ann (@bea) [@cid]").names, ["ann", "bea", "cid"]);
  });
  test("at most 50 distinct names are looked up", () => {
    const spam = Array.from({ length: 200 }, (_, i) => `@user${i}`).join(" ");
    assert.equal(parseMentions(spam).names.length, 50);
  });
  test("spans split text and mentions without losing characters", () => {
    const text = "hey @Alice. see @here";
    const spans = mentionSpans(text);
    assert.equal(spans.map((s) => s.text).join(""), text);
    assert.deepEqual(
      spans.filter((s) => s.mention).map((s) => s.mention),
      ["alice", "here"],
    );
  });
});

describe("composer autocomplete", () => {
  const members = [
    { id: "1", username: "alice" },
    { id: "2", username: "alfred", display_name: "Al" },
    { id: "3", username: "bob", display_name: "Malice" },
    { id: "me", username: "albert" },
  ];
  test("the mention being typed is found at the caret only after a boundary", () => {
    assert.deepEqual(activeMention("hi @al", 6), { start: 3, query: "al" });
    assert.deepEqual(activeMention("@", 1), { start: 0, query: "" });
    assert.equal(activeMention("mail a@al", 9), null);
    assert.equal(activeMention("hi @al there", 12), null);
  });
  test("prefix matches come first, then substring matches, then @here and (when allowed) @room; never the viewer", () => {
    const names = (q: string, canMentionRoom: boolean) => mentionOptions(members, q, { meId: "me", canMentionRoom }).map((o) => o.username);
    assert.deepEqual(names("al", false), ["alfred", "alice", "bob"]);
    assert.deepEqual(names("", true), ["alfred", "alice", "bob", "here", "room"]);
    assert.deepEqual(names("r", false), ["alfred"]);
    assert.deepEqual(names("ro", true), ["room"]);
    assert.deepEqual(names("ro", false), []);
  });
  test("picking replaces the typed token and puts the caret after a space", () => {
    const value = "hi @al how are you";
    const active = activeMention(value, 6)!;
    assert.deepEqual(applyMention(value, 6, active, "alice"), { value: "hi @alice how are you", caret: 10 });
    assert.deepEqual(applyMention("@b", 2, activeMention("@b", 2)!, "bob"), { value: "@bob ", caret: 5 });
  });
});

describe("isViewerMention: the one rule for \"this mention is mine\" (plain-text and markdown highlighting)", () => {
  const mine = (content: string, viewer: { username?: string; mentioned?: boolean }) =>
    mentionSpans(content)
      .filter((s) => s.mention !== undefined && isViewerMention(s.mention, viewer))
      .map((s) => s.text);
  test("the viewer's own username, in any case and before punctuation", () => {
    assert.deepEqual(mine("hi @Alice, and @bob. @ALICE!", { username: "alice" }), ["@Alice", "@ALICE"]);
  });
  test("@here and @room are the viewer's only when the server resolved the message as mentioning them", () => {
    assert.deepEqual(mine("@here @room @alice", { username: "alice", mentioned: true }), ["@here", "@room", "@alice"]);
    assert.deepEqual(mine("@here @room @alice", { username: "alice", mentioned: false }), ["@alice"]);
  });
  test("a user named like a keyword does not own the keyword", () => {
    assert.equal(isViewerMention("room", { username: "room", mentioned: false }), false);
  });
  test("no viewer, nothing is mine", () => {
    assert.deepEqual(mine("@alice @here", {}), []);
  });
});
