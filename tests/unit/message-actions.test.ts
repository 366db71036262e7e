import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTranslator } from "next-intl";
import { reactionLabel as label } from "@/components/room/MessageActions";
import { sendWaitOf } from "@/components/room/SendWait";
import { catalogs, en } from "@/i18n/messages";
import type { PendingMessage } from "@/lib/chat-store";

const t = createTranslator({ locale: "en", messages: en, namespace: "room" });
const reactionLabel = (names: string[], count: number, emoji: string) => label(t, names, count, emoji, names[0] === "You");

describe("reactionLabel", () => {
  it("names up to three people", () => {
    assert.equal(reactionLabel(["alice"], 1, "👍"), "alice reacted with 👍");
    assert.equal(reactionLabel(["You", "alice"], 2, "👍"), "You and alice reacted with 👍");
    assert.equal(reactionLabel(["alice", "bob", "carol"], 3, "🎉"), "alice, bob and carol reacted with 🎉");
  });

  it("names two and counts the rest beyond three", () => {
    assert.equal(reactionLabel(["alice", "bob", "carol", "dan", "eve"], 5, "👍"), "alice, bob and 3 others reacted with 👍");
    assert.equal(reactionLabel(["alice", "bob", "carol", "dan"], 4, "👍"), "alice, bob and 2 others reacted with 👍");
  });

  it("counts reactors whose ids the server did not list", () => {
    assert.equal(reactionLabel(["alice", "bob"], 4, "👍"), "alice, bob and 2 others reacted with 👍");
    assert.equal(reactionLabel([], 1, "👍"), "1 person reacted with 👍");
    assert.equal(reactionLabel([], 3, "👍"), "3 people reacted with 👍");
  });

  it("reads in German, with the verb agreeing with the viewer", () => {
    const de = createTranslator({ locale: "de", messages: catalogs.de as typeof en, namespace: "room" });
    assert.equal(label(de, ["Du"], 1, "👍", true), "Du hast mit 👍 reagiert");
    assert.equal(label(de, ["alice"], 1, "👍"), "alice hat mit 👍 reagiert");
    assert.equal(label(de, ["Du", "alice"], 2, "👍", true), "Du und alice habt mit 👍 reagiert");
    assert.equal(label(de, ["alice", "bob", "carol"], 5, "🎉"), "alice, bob und 3 weitere haben mit 🎉 reagiert");
    assert.equal(label(de, [], 1, "👍"), "1 Person hat mit 👍 reagiert");
  });
});

describe("sendWaitOf", () => {
  const pending = (patch: Partial<PendingMessage>): PendingMessage => ({ id: "x", room: "r", content: "hi", createdAt: new Date(0).toISOString(), state: "sending", ...patch }) as PendingMessage;

  it("is null when nothing waits", () => {
    assert.equal(sendWaitOf([]), null);
    assert.equal(sendWaitOf([pending({})]), null);
    assert.equal(sendWaitOf([pending({ state: "failed", retryAt: 5 })]), null);
  });

  it("reports the last message's wait with the server's words, the code and the reason", () => {
    const slow = { error: "Slow mode: one message every 5 s", errorCode: "RATE_LIMITED", errorReason: "slow_mode" } as const;
    const wait = sendWaitOf([pending({ retryAt: 1000, ...slow }), pending({ id: "y", retryAt: 3000, ...slow })]);
    assert.deepEqual(wait, { at: 3000, error: "Slow mode: one message every 5 s", errorCode: "RATE_LIMITED", errorReason: "slow_mode" });
  });
});
