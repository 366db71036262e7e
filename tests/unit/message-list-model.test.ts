import assert from "node:assert/strict";
import { test } from "node:test";
import type { PendingMessage } from "@/lib/chat-store";
import type { Message } from "@/protocol";
import {
  ANNOUNCE_MAX,
  DIVIDER_KEY,
  announceable,
  appendedSince,
  SEEN_BY_KEY,
  buildListItems,
  continuesGroup,
  dividerBeforeId,
  estimateSize,
  indexByKey,
  isAtBottom,
  landsAtBottom,
  newsSince,
  outOfView,
} from "@/components/room/message-list-model";

const at = (minute: number, day = 1) => `2026-12-0${day}T12:${String(minute).padStart(2, "0")}:00Z`;
const msg = (seq: number, over: Partial<Message> = {}): Message =>
  ({ id: `m${seq}`, room: "r", seq, sender: "ann", kind: "text", content: `message ${seq}`, client_id: `c${seq}`, created_at: at(seq), ...over }) as Message;
const pendingMsg = (id: string): PendingMessage => ({ id, room: "r", content: "mine", createdAt: at(59), state: "sending" });

test("rows: one day separator per day, the divider above its message, seen-by then pending last", () => {
  const messages = [msg(1), msg(2), msg(3, { created_at: at(3, 2) }), msg(4, { created_at: at(4, 2), sender: "bob" })];
  const items = buildListItems({ messages, pending: [pendingMsg("p1")], dividerBefore: "m4", seenBy: true });
  assert.deepEqual(
    items.map((i) => i.key),
    ["day-m1", "m1", "m2", "day-m3", "m3", DIVIDER_KEY, "m4", SEEN_BY_KEY, "pending-p1"],
  );
  const index = indexByKey(items);
  assert.equal(index.get("m4"), 6);
  assert.equal(index.get(DIVIDER_KEY), 5);
});

test("keys of loaded rows survive a prepend, so measured heights and the reader's anchor carry over", () => {
  const page = [msg(51), msg(52)];
  const before = buildListItems({ messages: page, pending: [], dividerBefore: undefined, seenBy: false }).map((i) => i.key);
  const after = buildListItems({ messages: [msg(49), msg(50), ...page], pending: [], dividerBefore: undefined, seenBy: false }).map((i) => i.key);
  // Same day: the separator moves to the new first message; every message row keeps its key.
  assert.deepEqual(before, ["day-m51", "m51", "m52"]);
  assert.deepEqual(after, ["day-m49", "m49", "m50", "m51", "m52"]);
});

test("grouping: same sender within five minutes on the same day, never across room events or under the divider", () => {
  assert.equal(continuesGroup(msg(1), msg(2)), true);
  assert.equal(continuesGroup(undefined, msg(2)), false);
  assert.equal(continuesGroup(msg(1), msg(2, { sender: "bob" })), false);
  assert.equal(continuesGroup(msg(1, { kind: "system" }), msg(2)), false);
  assert.equal(continuesGroup(msg(1), msg(7)), false);
  assert.equal(continuesGroup(msg(1), msg(2, { created_at: at(2, 2) })), false);
  const items = buildListItems({ messages: [msg(1), msg(2)], pending: [], dividerBefore: "m2", seenBy: false });
  const m2 = items.find((i) => i.key === "m2");
  assert.equal(m2?.kind === "message" && m2.compact, false);
});

test("the divider goes above the first message from someone else after the read cursor", () => {
  const messages = [msg(1), msg(2, { sender: "me" }), msg(3, { kind: "system", sender: "bob" }), msg(4, { sender: "bob" })];
  assert.equal(dividerBeforeId(messages, 1, "me"), "m4");
  assert.equal(dividerBeforeId(messages, 0, "me"), "m1");
  assert.equal(dividerBeforeId(messages, 4, "me"), undefined);
  assert.equal(dividerBeforeId(messages, null, "me"), undefined);
  assert.equal(dividerBeforeId(messages, undefined, "me"), undefined);
});

test("news: only messages appended after the previous newest count, room events excluded", () => {
  const messages = [msg(1), msg(2), msg(3, { kind: "system" }), msg(4)];
  assert.equal(newsSince(messages, "m1"), 2);
  assert.equal(newsSince(messages, "m4"), 0);
  // A prepend leaves the newest message in place: nothing new.
  assert.equal(newsSince([msg(0), ...messages], "m4"), 0);
  // History replaced (the previous newest is gone): not news either.
  assert.equal(newsSince(messages, "gone"), 0);
  assert.equal(newsSince(messages, undefined), 3);
});

test("announced: the latest few new messages from others, not unread caught up on opening, not one's own", () => {
  const messages = [msg(1), msg(2), msg(3, { kind: "system" }), msg(4, { sender: "me" }), msg(5, { deleted: true }), msg(6, { blocked: true }), msg(7), msg(8)];
  const appended = appendedSince(messages, "m1");
  assert.deepEqual(
    appended.map((m) => m.id),
    ["m2", "m3", "m4", "m5", "m6", "m7", "m8"],
  );
  assert.deepEqual(
    announceable(appended, "me", 1).map((m) => m.id),
    ["m2", "m7", "m8"],
  );
  // The room's newest seq at opening was 7: only 8 arrived live.
  assert.deepEqual(
    announceable(appended, "me", 7).map((m) => m.id),
    ["m8"],
  );
  const burst = Array.from({ length: 10 }, (_, i) => msg(20 + i));
  assert.deepEqual(
    announceable(burst, "me", null).map((m) => m.id),
    burst.slice(-ANNOUNCE_MAX).map((m) => m.id),
  );
  assert.deepEqual(appendedSince(messages, "m8"), []);
});

test("geometry: at the bottom within the slack, landing on the divider, rows out of view", () => {
  assert.equal(isAtBottom({ scrollHeight: 1000, scrollTop: 500, clientHeight: 500 }), true);
  assert.equal(isAtBottom({ scrollHeight: 1000, scrollTop: 452, clientHeight: 500 }), true);
  assert.equal(isAtBottom({ scrollHeight: 1000, scrollTop: 451, clientHeight: 500 }), false);
  // The unread rows from 800 down fit in a 500 px view of a 1,200 px list: the reader stays at the bottom.
  assert.equal(landsAtBottom(800, 1200, 500), true);
  assert.equal(landsAtBottom(100, 1200, 500), false);
  assert.equal(outOfView(0, 40, 40, 500), true);
  assert.equal(outOfView(0, 41, 40, 500), false);
  assert.equal(outOfView(540, 580, 40, 500), true);
  assert.equal(outOfView(539, 580, 40, 500), false);
});

test("estimates: full rows taller than grouped ones and room events", () => {
  const [, full, compact] = buildListItems({ messages: [msg(1), msg(2)], pending: [], dividerBefore: undefined, seenBy: false });
  assert.ok(estimateSize(full) > estimateSize(compact));
  assert.ok(estimateSize({ kind: "message", key: "s", message: msg(3, { kind: "system" }), compact: false }) < estimateSize(full));
});
