/**
 * The outbox's sessionStorage copy (lib/outbox-storage.ts) against an in-memory Storage: what a
 * reload gets back of a pending send.
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import type { PendingMessage } from "@/lib/chat-store";
import { sessionOutbox } from "@/lib/outbox-storage";

function tab(t: TestContext) {
  const items = new Map<string, string>();
  const sessionStorage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
  (globalThis as { window?: unknown }).window = { sessionStorage };
  t.after(() => delete (globalThis as { window?: unknown }).window);
  return { items, outbox: sessionOutbox("outbox")! };
}

const createdAt = () => new Date(Date.now() - 60_000).toISOString();
const file = { id: "6f1c1d7e-7a51-4a55-9a2e-0b0c8d5b1a01", name: "a.pdf", size: 1200, mime: "application/pdf", url: "/api/uploads/6f1c1d7e-7a51-4a55-9a2e-0b0c8d5b1a01" };

test("every field of a pending send survives a reload", (t) => {
  const { outbox } = tab(t);
  const waiting: Required<PendingMessage> = {
    id: "c-1",
    room: "r1",
    content: "hello",
    createdAt: createdAt(),
    state: "sending",
    error: "Slow mode: one message every 5 s",
    errorCode: "RATE_LIMITED",
    errorReason: "slow_mode",
    errorAttempts: 2,
    retryAt: Date.now() + 4000,
    replyTo: "m-7",
    attachments: [file],
    kind: "file",
  };
  const banned: PendingMessage = { id: "c-2", room: "r1", content: "hi", createdAt: createdAt(), state: "failed", error: "You are banned from this room", errorCode: "FORBIDDEN", errorReason: "banned" };
  outbox.save([waiting, banned]);
  assert.deepEqual(outbox.load(), [waiting, banned]);
});

test("an entry stored before the error fields existed still loads", (t) => {
  const { items, outbox } = tab(t);
  const old = { id: "c-old", room: "r1", content: "from before", createdAt: createdAt(), state: "failed", error: "You are muted in this room", replyTo: "m-1" };
  items.set("outbox", JSON.stringify([old]));
  assert.deepEqual(outbox.load(), [old]);
});

test("an entry with a malformed error field is not restored", (t) => {
  const { items, outbox } = tab(t);
  const base = { id: "c-1", room: "r1", content: "x", createdAt: createdAt(), state: "sending" };
  for (const bad of [{ retryAt: "soon" }, { retryAt: null }, { errorCode: 7 }, { errorReason: "grumpy" }, { errorAttempts: -1 }, { errorAttempts: 1.5 }]) {
    items.set("outbox", JSON.stringify([{ ...base, ...bad }]));
    assert.deepEqual(outbox.load(), [], JSON.stringify(bad));
  }
  items.set("outbox", JSON.stringify([base]));
  assert.equal(outbox.load().length, 1, "the same entry without them loads");
});
