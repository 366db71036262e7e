import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { MAX_CONTENT_CHARS, parseClientFrame, parseServerFrame } from "@/protocol";

const room = randomUUID();

test("valid client frames parse into their typed variant", () => {
  const id = randomUUID();
  const parsed = parseClientFrame(JSON.stringify({ type: "send", id, room, content: " hi " }));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.frame, { type: "send", id, room, content: "hi" });
  assert.deepEqual(parseClientFrame(JSON.stringify({ type: "join", room, since: 4 })), { ok: true, frame: { type: "join", room, since: 4 } });
});

test("invalid frames name the offending field and keep the ref for the answer", () => {
  const id = randomUUID();
  const cases: Array<[unknown, string | undefined]> = [
    [{ type: "send", id, room, content: "   " }, "content"],
    [{ type: "send", id, room, content: "x".repeat(MAX_CONTENT_CHARS + 1) }, "content"],
    [{ type: "send", id, room: "general", content: "x" }, "room"],
    [{ type: "join", room, since: -1 }, "since"],
    [{ type: "join", room, since: 1.5 }, "since"],
    [{ type: "nope" }, "type"],
    [{ content: "no type" }, "type"],
  ];
  for (const [frame, field] of cases) {
    const parsed = parseClientFrame(JSON.stringify(frame));
    assert.equal(parsed.ok, false, JSON.stringify(frame));
    if (!parsed.ok) {
      assert.equal(parsed.field, field, JSON.stringify(frame));
      assert.match(parsed.message, new RegExp(`^${field}`));
    }
  }
  const withRef = parseClientFrame(JSON.stringify({ type: "send", id, room, content: "" }));
  assert.equal(!withRef.ok && withRef.ref, id);
});

test("non-JSON and non-object frames are rejected without throwing", () => {
  for (const raw of ["", "{", "null", "42", "[]", '"send"']) {
    assert.equal(parseClientFrame(raw).ok, false, raw);
  }
});

test("server frames are validated on the client; unknown or malformed ones are dropped", () => {
  assert.deepEqual(parseServerFrame(JSON.stringify({ type: "pong", ts: 1 })), { type: "pong", ts: 1 });
  assert.equal(parseServerFrame(JSON.stringify({ type: "pong" })), null);
  assert.equal(parseServerFrame(JSON.stringify({ type: "surprise" })), null);
  assert.equal(parseServerFrame("not json"), null);
});

test("an error with a reason this client does not know still arrives, without the reason", () => {
  const frame = { type: "error", ref: "r1", code: "RATE_LIMITED", message: "wait", retryable: true, retry_after_ms: 500 };
  const parsed = parseServerFrame(JSON.stringify({ ...frame, reason: "from_a_newer_server" }));
  assert.ok(parsed?.type === "error");
  assert.deepEqual({ ...parsed, reason: undefined }, { ...frame, reason: undefined });
  assert.deepEqual(parseServerFrame(JSON.stringify({ ...frame, reason: "slow_mode" })), { ...frame, reason: "slow_mode" });
});
