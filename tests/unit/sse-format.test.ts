import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ServerFrame } from "@/protocol";
import { DeltaLog } from "@/server/sse/delta-log";
import { formatEvent, formatEventId, parseEventId, positionAfter } from "@/server/sse/format";

describe("SSE event ids", () => {
  test("parse what the stream sends and nothing else", () => {
    assert.deepEqual(parseEventId("41"), { seq: 41 });
    assert.deepEqual(parseEventId("41.7"), { seq: 41, index: 7 });
    assert.deepEqual(parseEventId(" 0 "), { seq: 0 });
    for (const bad of ["", "x", "-1", "1.", ".1", "1.2.3", "1e3", "9".repeat(16)]) assert.equal(parseEventId(bad), null, bad);
    assert.equal(formatEventId({ seq: 41 }), "41");
    assert.equal(formatEventId({ seq: 41, index: 0 }), "41.0");
  });

  test("messages and their updates take the message's seq, deltas seq.index, the rest keep the position", () => {
    const message = { id: "m", room: "r", seq: 5, sender: "u", kind: "text", content: "x", client_id: "c", created_at: "2026-01-01T00:00:00.000Z" } as Extract<ServerFrame, { type: "message" }>["message"];
    const at = { seq: 9, index: 2 };
    assert.deepEqual(positionAfter({ type: "message", room: "r", message }, at), { seq: 5 });
    assert.deepEqual(positionAfter({ type: "message_updated", room: "r", message }, at), { seq: 5 });
    assert.deepEqual(positionAfter({ type: "message_deleted", room: "r", message }, at), { seq: 5 });
    assert.deepEqual(positionAfter({ type: "typing", room: "r", users: [] }, at), at);
    assert.deepEqual(positionAfter({ type: "delta", room: "r", message: "m", seq: 5, index: 3, text: "hi" }, at), { seq: 5, index: 3 });
  });

  test("an event is one data line, even when the content has line breaks", () => {
    const data = JSON.stringify({ type: "message", content: "two\nlines\r\n" });
    const event = formatEvent("message", { seq: 3 }, Buffer.from(data));
    assert.equal(event, `id: 3\nevent: message\ndata: ${data}\n\n`);
    assert.equal(event.split("\n").filter((l) => l.startsWith("data:")).length, 1);
  });
});

describe("the delta log", () => {
  const frame = (room: string, index: number, text: string) =>
    ({ type: "frame", room, frame: { type: "delta", room, message: "m", seq: 4, index, text } }) as const;

  test("knows the text of deltas it saw, and says null for any it did not", () => {
    const log = new DeltaLog();
    for (const [index, text] of ["b", "cc", "d"].entries()) log.observe("room:r", frame("r", index, text));
    const content = "a" + "b" + "cc" + "d";
    assert.equal(log.textOf("m", content, 1, 3), "ccd");
    assert.equal(log.textOf("m", content, 0, 3), "bccd");
    assert.equal(log.textOf("m", content, 3, 3), "");
    assert.equal(log.textOf("m", content, 1, 4), null, "delta 3 was never seen");
    assert.equal(log.textOf("other", content, 0, 1), null);
    log.observe("room:elsewhere", frame("r", 3, "x"));
    assert.equal(log.textOf("m", content + "x", 1, 4), null, "an event on another topic is not the room's");
  });

  test("forgets a reply once it is finished", () => {
    const log = new DeltaLog();
    log.observe("room:r", frame("r", 0, "b"));
    const message = { id: "m", room: "r", seq: 4, sender: "bot", kind: "text", content: "ab", client_id: "c", created_at: "2026-01-01T00:00:00.000Z", streaming: false } as const;
    log.observe("room:r", { type: "frame", room: "r", frame: { type: "message_updated", room: "r", message } });
    assert.equal(log.textOf("m", "ab", 0, 1), null);
  });
});
