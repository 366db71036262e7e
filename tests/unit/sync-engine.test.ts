/**
 * The browser sync engine (lib/chat-client.ts + lib/sync/*) against a fake transport, a fake
 * history API and fake timers: every delivery rule the client owns, without a browser.
 */
import assert from "node:assert/strict";
import { mock, test, type TestContext } from "node:test";
import { ChatClient } from "@/lib/chat-client";
import { ChatStore, type PendingMessage } from "@/lib/chat-store";
import type { OutboxStorage } from "@/lib/outbox-storage";
import { ACK_TIMEOUT_MS } from "@/lib/sync/ack-timeout";
import type { HistoryApi } from "@/lib/sync/context";
import type { Scheduler } from "@/lib/sync/frame-batch";
import type { Transport, TransportEvents } from "@/lib/sync/transport";
import { CloseCode, PROTOCOL_VERSION, type ClientFrame, type Message, type ServerFrame } from "@/protocol";

const ME = { id: "u-me", username: "me" };
const ROOM = "r1";

class FakeTransport implements Transport {
  events: TransportEvents | null = null;
  sent: ClientFrame[] = [];
  restarts: string[] = [];
  open = false;
  start(events: TransportEvents) {
    this.events = events;
  }
  stop() {
    this.events = null;
  }
  send(frame: ClientFrame) {
    if (!this.open) return false;
    this.sent.push(frame);
    return true;
  }
  reconnectNow() {}
  restart(reason: string) {
    this.restarts.push(reason);
  }
  ready(protocol = PROTOCOL_VERSION) {
    this.open = true;
    this.events!.status("online");
    this.events!.ready({ type: "ready", user: ME, session: "s", protocol });
  }
  drop(code = 1006) {
    this.open = false;
    this.events!.closed(code);
  }
  deliver(frame: ServerFrame) {
    this.events!.frame(frame);
  }
  take<T extends ClientFrame["type"]>(type: T): Extract<ClientFrame, { type: T }>[] {
    const taken = this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
    this.sent = this.sent.filter((f) => f.type !== type);
    return taken;
  }
}

function message(seq: number, over: Partial<Message> = {}): Message {
  return { id: `m${seq}`, room: ROOM, seq, sender: "u-other", kind: "text", content: `#${seq}`, client_id: `c${seq}`, created_at: new Date(0).toISOString(), ...over };
}

/** Server-side history: seqs 1..n; records every request. */
class FakeHistory implements HistoryApi {
  calls: { before?: number; after?: number; limit?: number }[] = [];
  fail = 0;
  constructor(public messages: Message[]) {}
  async listMessages(_room: string, page: { before?: number; after?: number; limit?: number }) {
    this.calls.push(page);
    if (this.fail > 0) {
      this.fail--;
      throw new Error("network down");
    }
    let rows = this.messages.filter((m) => (page.after === undefined || m.seq > page.after) && (page.before === undefined || m.seq < page.before));
    const limit = page.limit ?? 50;
    rows = page.after !== undefined && page.before === undefined ? rows.slice(0, limit) : rows.slice(-limit);
    return { messages: rows };
  }
  async getMessage(_room: string, id: string) {
    const found = this.messages.find((m) => m.id === id);
    if (!found) throw Object.assign(new Error("not found"), { status: 404 });
    return { message: found };
  }
}

function memoryOutbox(): OutboxStorage & { entries: PendingMessage[] } {
  const box = {
    entries: [] as PendingMessage[],
    load: () => box.entries.map((e) => ({ ...e })),
    save: (entries: readonly PendingMessage[]) => void (box.entries = [...entries]),
  };
  return box;
}

const now: Scheduler = (run) => run();

/** Lets promise chains (history loads) settle. */
async function settle() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

async function setup(t: TestContext, history = new FakeHistory([1, 2, 3].map((s) => message(s))), outbox?: OutboxStorage) {
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.after(() => mock.timers.reset());
  const store = new ChatStore();
  const transport = new FakeTransport();
  const unauthenticated: string[] = [];
  // Frames apply as they are delivered here; the batching of bursts has its own tests below.
  const client = new ChatClient(store, { transport, history, outbox, onUnauthenticated: () => unauthenticated.push("x"), schedule: now });
  client.start();
  return { store, transport, history, client, unauthenticated };
}

/** Opens ROOM on a ready session and answers the join. */
async function openJoined(t: TestContext, history?: FakeHistory, outbox?: OutboxStorage) {
  const env = await setup(t, history, outbox);
  env.transport.ready();
  env.client.openRoom(ROOM);
  await settle();
  const [join] = env.transport.take("join");
  assert.ok(join, "the open room is joined");
  env.transport.deliver({ type: "joined", ref: join.id, room: ROOM, seq: env.store.maxSeq(ROOM) ?? 0, members: [], typing: [], reads: {}, delivered: {} });
  return { ...env, join };
}

test("an open room is joined after its history loads, and re-joined with `since` after a drop", async (t) => {
  const { store, transport, join } = await openJoined(t);
  assert.equal(join.since, 3, "since = the highest seq loaded");
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.seq), [1, 2, 3]);
  transport.deliver({ type: "message", room: ROOM, message: message(4) });
  transport.drop();
  assert.equal(store.getRoom(ROOM).joined, false, "a drop marks the room not joined");
  assert.deepEqual(transport.take("join"), [], "nothing is sent while closed");
  transport.ready();
  const [again] = transport.take("join");
  assert.equal(again?.since, 4, "the re-join asks for everything after the highest seq received");
});

test("a gap frame is filled over REST", async (t) => {
  const history = new FakeHistory([1, 2, 3].map((s) => message(s)));
  const { store, transport } = await openJoined(t, history);
  history.messages.push(...[4, 5, 6, 7].map((s) => message(s)));
  history.calls = [];
  transport.deliver({ type: "gap", room: ROOM, from: 4, to: 6 });
  await settle();
  assert.deepEqual(history.calls, [{ after: 3, before: 7, limit: 200 }]);
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
});

test("a hole in live seqs is fetched, retried with backoff when the fetch fails", async (t) => {
  const history = new FakeHistory([1, 2, 3].map((s) => message(s)));
  const { store, transport } = await openJoined(t, history);
  history.messages.push(message(4), message(5));
  history.fail = 1;
  transport.deliver({ type: "message", room: ROOM, message: message(6) });
  await settle();
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.seq), [1, 2, 3, 6], "the first fetch failed");
  mock.timers.tick(1000);
  await settle();
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6], "the retry filled 4..5");
});

test("duplicate and out-of-order frames leave one copy of each message, ordered by seq", async (t) => {
  const { store, transport } = await openJoined(t);
  transport.deliver({ type: "message", room: ROOM, message: message(5) });
  transport.deliver({ type: "message", room: ROOM, message: message(4) });
  transport.deliver({ type: "message", room: ROOM, message: message(5) });
  transport.deliver({ type: "message", room: ROOM, message: message(3) });
  await settle();
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.id), ["m1", "m2", "m3", "m4", "m5"]);
});

test("a send waits for the join, goes out with its id, and is settled by its ack", async (t) => {
  const { store, transport, client } = await setup(t);
  client.openRoom(ROOM);
  const id = client.send(ROOM, "hello");
  assert.equal(store.pendingEntry(id)?.state, "sending");
  assert.equal(transport.sent.length, 0, "offline: nothing on the wire");
  transport.ready();
  await settle();
  assert.deepEqual(transport.sent.map((f) => f.type), ["join", "send"], "the join flushes the outbox, after the join");
  const [send] = transport.take("send");
  assert.equal(send?.id, id);
  transport.deliver({ type: "ack", ref: id, message: message(4, { sender: ME.id, client_id: id, content: "hello" }) });
  assert.equal(store.pendingEntry(id), undefined);
  assert.equal(store.getRoom(ROOM).messages.at(-1)?.content, "hello");
});

test("an unacked send is resent with the same id every 10 s, 3 attempts, then fails with Retry", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const id = client.send(ROOM, "anyone?");
  assert.equal(transport.take("send").length, 1);
  mock.timers.tick(ACK_TIMEOUT_MS);
  mock.timers.tick(ACK_TIMEOUT_MS);
  const resent = transport.take("send");
  assert.deepEqual(resent.map((f) => f.id), [id, id], "two resends, same id");
  mock.timers.tick(ACK_TIMEOUT_MS);
  assert.equal(store.pendingEntry(id)?.state, "failed");
  assert.match(store.pendingEntry(id)?.error ?? "", /after 3 attempts/);
  client.retry(id);
  assert.deepEqual(transport.take("send").map((f) => f.id), [id], "Retry sends the same id again");
});

test("NOT_IN_ROOM re-joins the room and resends; a second one is final", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const id = client.send(ROOM, "still here?");
  transport.take("send");
  transport.deliver({ type: "error", ref: id, code: "NOT_IN_ROOM", message: "join the room first", retryable: false });
  assert.equal(transport.sent[0]?.type, "join", "re-joined first");
  assert.equal(transport.sent[1]?.type, "send", "then resent");
  assert.equal((transport.sent[1] as { id: string }).id, id);
  transport.sent = [];
  transport.deliver({ type: "error", ref: id, code: "NOT_IN_ROOM", message: "join the room first", retryable: false });
  assert.equal(store.pendingEntry(id)?.state, "failed");
  assert.deepEqual(transport.sent, []);
});

test("RATE_LIMITED waits retry_after_ms, shown on the entry, then resends by itself", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const id = client.send(ROOM, "fast");
  transport.take("send");
  transport.deliver({ type: "error", ref: id, code: "RATE_LIMITED", message: "slow down", retryable: true, retry_after_ms: 3000 });
  const entry = store.pendingEntry(id);
  assert.equal(entry?.state, "sending");
  assert.equal(entry?.retryAt, Date.now() + 3000, "the wait is on the entry for the countdown");
  mock.timers.tick(2999);
  assert.deepEqual(transport.take("send"), []);
  mock.timers.tick(1);
  assert.deepEqual(transport.take("send").map((f) => f.id), [id]);
  assert.equal(store.pendingEntry(id)?.retryAt, undefined);
});

test("INTERNAL restarts the connection; the entry is resent after the next join", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const id = client.send(ROOM, "boom");
  transport.take("send");
  transport.deliver({ type: "error", ref: id, code: "INTERNAL", message: "internal error", retryable: true });
  assert.deepEqual(transport.restarts, ["server error"]);
  transport.drop();
  transport.ready();
  await settle();
  assert.deepEqual(transport.take("send").map((f) => f.id), [id]);
  assert.equal(store.pendingEntry(id)?.state, "sending");
});

test("FORBIDDEN and INVALID are final and say why", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const a = client.send(ROOM, "a");
  const b = client.send(ROOM, "b");
  transport.deliver({ type: "error", ref: a, code: "FORBIDDEN", message: "you are muted in this room", retryable: false });
  transport.deliver({ type: "error", ref: b, code: "INVALID", message: "content too long", retryable: false, field: "content" });
  assert.deepEqual([store.pendingEntry(a)?.state, store.pendingEntry(a)?.error], ["failed", "You are muted in this room"]);
  assert.deepEqual([store.pendingEntry(b)?.state, store.pendingEntry(b)?.error], ["failed", "Content too long"]);
  mock.timers.tick(ACK_TIMEOUT_MS * 4);
  assert.equal(transport.take("send").length, 2, "no resends after a final error");
});

test("the outbox survives a reload: a new client resends the stored entry with its original id", async (t) => {
  const storage = memoryOutbox();
  const first = await setup(t, undefined, storage);
  first.client.openRoom(ROOM);
  const id = first.client.send(ROOM, "written offline");
  assert.deepEqual(storage.entries.map((e) => e.id), [id], "stored when queued");
  first.client.stop();
  mock.timers.reset();

  const second = await setup(t, undefined, storage);
  assert.equal(second.store.pendingEntry(id)?.content, "written offline", "restored as pending");
  second.client.openRoom(ROOM);
  second.transport.ready();
  await settle();
  assert.deepEqual(second.transport.take("send").map((f) => f.id), [id]);
  second.transport.deliver({ type: "ack", ref: id, message: message(4, { sender: ME.id, client_id: id }) });
  assert.deepEqual(storage.entries, [], "dropped from storage once acknowledged");
});

test("a wait restored from storage goes on for what is left of it, saying why; one whose time came is over", async (t) => {
  const storage = memoryOutbox();
  const createdAt = new Date(0).toISOString();
  const slow = { error: "Slow mode: one message every 5 s", errorCode: "RATE_LIMITED", errorReason: "slow_mode" } as const;
  storage.entries = [
    { id: "c-wait", room: ROOM, content: "waiting", createdAt, state: "sending", retryAt: 5000, ...slow },
    { id: "c-due", room: ROOM, content: "due", createdAt, state: "sending", retryAt: 0, ...slow },
  ];
  // The mocked clock starts at 0: c-wait has 5 s left, c-due's time has come.
  const { store, transport } = await openJoined(t, undefined, storage);
  const why = (id: string) => {
    const e = store.pendingEntry(id);
    return { state: e?.state, retryAt: e?.retryAt, error: e?.error, errorCode: e?.errorCode, errorReason: e?.errorReason };
  };
  assert.deepEqual(why("c-wait"), { state: "sending", retryAt: 5000, ...slow }, "the countdown and its reason survive");
  assert.deepEqual(why("c-due"), { state: "sending", retryAt: undefined, error: undefined, errorCode: undefined, errorReason: undefined }, "a wait that is over says nothing more");
  assert.deepEqual(transport.take("send").map((f) => f.id), ["c-due"], "the join sends what no longer waits");
  mock.timers.tick(4999);
  assert.deepEqual(transport.take("send"), []);
  mock.timers.tick(1);
  assert.deepEqual(transport.take("send").map((f) => f.id), ["c-wait"]);
  assert.deepEqual(why("c-wait"), { state: "sending", retryAt: undefined, error: undefined, errorCode: undefined, errorReason: undefined });
  assert.equal(storage.entries.find((e) => e.id === "c-wait")?.retryAt, undefined, "the stored copy follows");
});

test("a room with unsent messages restored from storage is joined from the background", async (t) => {
  const storage = memoryOutbox();
  storage.entries = [{ id: "c-old", room: ROOM, content: "from before", createdAt: new Date(0).toISOString(), state: "sending" }];
  const { transport, client } = await setup(t, undefined, storage);
  transport.ready();
  client.setBackgroundRooms([ROOM]);
  await settle();
  assert.deepEqual(transport.take("watch").map((f) => f.rooms), [[ROOM]]);
  const [join] = transport.take("join");
  assert.equal(join?.since, 3);
  assert.deepEqual(transport.take("send").map((f) => f.id), ["c-old"]);
});

test("protocol: a 4400 close asks for a reload; a newer server offers one", async (t) => {
  const { store, transport } = await setup(t);
  transport.ready(PROTOCOL_VERSION + 1);
  assert.equal(store.getUpdate(), "available");
  transport.drop(CloseCode.UNSUPPORTED_PROTOCOL);
  assert.equal(store.getUpdate(), "required");
});

test("a 4001 close reports the session gone once", async (t) => {
  const { store, transport, unauthenticated } = await setup(t);
  transport.drop(CloseCode.UNAUTHENTICATED);
  assert.deepEqual(unauthenticated, ["x"]);
  assert.equal(store.getNotices()[0]?.code, "UNAUTHENTICATED");
});

test("a read wanted while offline is sent after the join, and again after a reconnect", async (t) => {
  const { transport, client } = await setup(t);
  client.openRoom(ROOM);
  client.markRead(ROOM, 3);
  transport.ready();
  await settle();
  assert.deepEqual(transport.take("read").map((f) => f.seq), [3]);
  const [join] = transport.take("join");
  transport.deliver({ type: "joined", ref: join!.id, room: ROOM, seq: 3, members: [], typing: [], reads: {}, delivered: {} });
  client.markRead(ROOM, 2);
  assert.deepEqual(transport.take("read"), [], "cursors never go back");
  transport.drop();
  transport.ready();
  assert.deepEqual(transport.take("read").map((f) => f.seq), [3], "re-sent: the first may not have landed");
});

test("a kicked user's room is never re-joined by itself", async (t) => {
  const { store, transport } = await openJoined(t);
  transport.deliver({ type: "member", room: ROOM, event: "kicked", user: ME, reason: "spam" });
  assert.deepEqual(store.getRoom(ROOM).removed, { kind: "kicked", reason: "spam" });
  transport.drop();
  transport.ready();
  await settle();
  assert.deepEqual(transport.take("join"), []);
});

test("errors answering best-effort frames stay quiet; others become notices", async (t) => {
  const { store, transport, client } = await openJoined(t);
  client.setTyping(ROOM, true);
  const [typing] = transport.take("typing");
  transport.deliver({ type: "error", ref: typing!.id!, code: "RATE_LIMITED", message: "slow down", retryable: true });
  assert.equal(store.getNotices().length, 0);
  transport.deliver({ type: "error", code: "FORBIDDEN", message: "not allowed", retryable: false });
  assert.equal(store.getNotices()[0]?.message, "Not allowed");
});

test("system lines in an open room advance the room's last seq without counting as unread", async (t) => {
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.after(() => mock.timers.reset());
  const noted: [number, boolean][] = [];
  const directory = { applySummary() {}, noteMessage: (_room: string, seq: number, mine: boolean) => void noted.push([seq, mine]), markRead() {}, remove() {}, rename() {}, refresh: async () => {} };
  const transport = new FakeTransport();
  const client = new ChatClient(new ChatStore(), { transport, history: new FakeHistory([message(1)]), directory, schedule: now });
  client.start();
  transport.ready();
  client.openRoom(ROOM);
  await settle();
  transport.deliver({ type: "message", room: ROOM, message: message(2, { kind: "system", content: "bob joined" }) });
  transport.deliver({ type: "message", room: ROOM, message: message(3) });
  assert.deepEqual(noted, [[2, true], [3, false]]);
});

/** An assistant reply as it streams: `stream_index` is the first delta its content lacks. */
const streamingReply = (content: string, streamIndex: number, over: Partial<Message> = {}) =>
  message(4, { id: "reply", sender: "u-bot", content, streaming: true, meta: { streaming: true, stream_index: streamIndex, model: "m", requester: ME.id }, ...over });
const delta = (index: number, text: string): ServerFrame => ({ type: "delta", room: ROOM, message: "reply", seq: 4, index, text });
const replyText = (store: ChatStore) => store.getRoom(ROOM).messages.find((m) => m.id === "reply")?.content;

test("deltas append to a streaming reply in index order, once each; early ones wait for the missing ones", async (t) => {
  const { store, transport } = await openJoined(t);
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("He", 0) });
  transport.deliver(delta(0, "l"));
  transport.deliver(delta(0, "l"));
  assert.equal(replyText(store), "Hel", "a repeated index is dropped");
  transport.deliver(delta(2, "o"));
  assert.equal(replyText(store), "Hel", "index 2 waits for index 1");
  transport.deliver(delta(1, "l"));
  assert.equal(replyText(store), "Hello", "1 and the held 2 follow in order");
  transport.deliver(delta(3, "!"));
  assert.equal(replyText(store), "Hello!");
  const final = streamingReply("Hello!", 0, { streaming: false, meta: { finish: "stop", model: "m", ttft_ms: 5 } });
  transport.deliver({ type: "message_updated", room: ROOM, message: final });
  transport.deliver(delta(4, " late"));
  assert.equal(replyText(store), "Hello!", "a finished reply takes no more deltas");
  assert.equal(store.getRoom(ROOM).messages.find((m) => m.id === "reply")?.streaming, false);
});

test("a catch-up copy of a streaming reply replaces a shorter one, never a longer one; deltas held before it follow it", async (t) => {
  const { store, transport } = await openJoined(t);
  transport.deliver(delta(2, "c"));
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("a", 0) });
  assert.equal(replyText(store), "a", "delta 2 waits: 0 and 1 are missing");
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("a-b-", 2) });
  assert.equal(replyText(store), "a-b-c", "the catch-up covers 0..1, then the held delta 2 applies");
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("a-b-", 2) });
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("a", 0) });
  assert.equal(replyText(store), "a-b-c", "an older copy does not roll the text back");
  transport.deliver(delta(3, "d"));
  assert.equal(replyText(store), "a-b-cd");
});

test("cancel goes out for the reply, and its ack (the reply as last stored) does not roll the text back", async (t) => {
  const { store, transport, client } = await openJoined(t);
  transport.deliver({ type: "message", room: ROOM, message: streamingReply("Hel", 0) });
  transport.deliver(delta(0, "lo"));
  assert.equal(client.cancelReply(ROOM, "reply"), true);
  const [cancel] = transport.take("cancel");
  assert.deepEqual({ room: cancel?.room, message: cancel?.message }, { room: ROOM, message: "reply" });
  transport.deliver({ type: "ack", ref: cancel!.id, message: streamingReply("Hel", 0) });
  assert.equal(replyText(store), "Hello");
});

test("a send with attachments carries their ids and kind, and every resend (reconnect, reload) carries the same ones", async (t) => {
  const file = { id: "6f1c1d7e-7a51-4a55-9a2e-0b0c8d5b1a01", name: "a.pdf", size: 1200, mime: "application/pdf", url: "/api/uploads/6f1c1d7e-7a51-4a55-9a2e-0b0c8d5b1a01" };
  const storage = memoryOutbox();
  const env = await openJoined(t, undefined, storage);
  const id = env.client.send(ROOM, "", undefined, { attachments: [file], kind: "file" });
  const [first] = env.transport.take("send");
  assert.deepEqual({ id: first?.id, content: first?.content, attachments: first?.attachments, kind: first?.kind }, { id, content: "", attachments: [file.id], kind: "file" });

  env.transport.drop();
  env.transport.ready();
  await settle();
  const [join] = env.transport.take("join");
  env.transport.deliver({ type: "joined", ref: join!.id, room: ROOM, seq: 3, members: [], typing: [], reads: {}, delivered: {} });
  const [again] = env.transport.take("send");
  assert.deepEqual({ id: again?.id, attachments: again?.attachments, kind: again?.kind }, { id, attachments: [file.id], kind: "file" });
  assert.deepEqual(storage.entries[0]?.attachments, [file], "the stored entry keeps the attachments, for a reload");

  // The tab's sessionStorage copy round-trips them too (and refuses a malformed one).
  const { sessionOutbox } = await import("@/lib/outbox-storage");
  const items = new Map<string, string>();
  const fakeStorage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
  (globalThis as { window?: unknown }).window = { sessionStorage: fakeStorage };
  t.after(() => delete (globalThis as { window?: unknown }).window);
  const session = sessionOutbox("outbox")!;
  session.save(env.store.pendingEntries());
  assert.deepEqual(session.load().map((e) => ({ id: e.id, attachments: e.attachments, kind: e.kind })), [{ id, attachments: [file], kind: "file" }]);
  items.set("outbox", JSON.stringify([{ ...storage.entries[0], attachments: [{ id: 1 }] }]));
  assert.deepEqual(session.load(), [], "an entry with malformed attachments is not restored");
});

test("frame subscribers: phase before sees the state the frame changes, after sees it applied; both unsubscribe", async (t) => {
  const { store, transport, client } = await openJoined(t);
  const seen: string[] = [];
  const seqs = () => store.getRoom(ROOM).messages.map((m) => m.seq).join(",");
  const stopAfter = client.subscribe((frame) => frame.type === "message" && seen.push(`after ${frame.message.seq}: ${seqs()}`));
  const stopBefore = client.subscribe((frame) => frame.type === "message" && seen.push(`before ${frame.message.seq}: ${seqs()}`), { phase: "before" });
  transport.deliver({ type: "message", room: ROOM, message: message(4) });
  assert.deepEqual(seen, ["before 4: 1,2,3", "after 4: 1,2,3,4"]);

  // The same function twice is two subscriptions; each unsubscribe removes its own.
  const twice: number[] = [];
  const count = (frame: ServerFrame) => void (frame.type === "message" && twice.push(frame.message.seq));
  const first = client.subscribe(count);
  client.subscribe(count);
  first();
  stopAfter();
  stopBefore();
  transport.deliver({ type: "message", room: ROOM, message: message(5) });
  assert.deepEqual(seen, ["before 4: 1,2,3", "after 4: 1,2,3,4"], "unsubscribed listeners hear nothing more");
  assert.deepEqual(twice, [5]);
});

// --- bursts: frames apply in the next task, all together ---------------------------------------

/** A client on the default scheduler (the next task), its room joined at seq 1. */
async function batchedJoined() {
  const store = new ChatStore();
  const transport = new FakeTransport();
  const client = new ChatClient(store, { transport, history: new FakeHistory([message(1)]) });
  client.start();
  transport.ready();
  client.openRoom(ROOM);
  await settle();
  const [join] = transport.take("join");
  transport.deliver({ type: "joined", ref: join!.id, room: ROOM, seq: 1, members: [], typing: [], reads: {}, delivered: {} });
  await until(() => store.getRoom(ROOM).joined);
  return { store, transport, client };
}

async function until(done: () => boolean) {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), "applied within 100 turns of the event loop");
}

test("frames that arrive one event at a time are applied together in the next task, so React renders a burst once", async () => {
  const { store, transport, client } = await batchedJoined();
  // React renders a store change at the microtask checkpoint after it: count those checkpoints.
  let renders = 0;
  let pending = false;
  store.api.subscribe(() => {
    if (pending) return;
    pending = true;
    renders++;
    queueMicrotask(() => (pending = false));
  });
  for (let seq = 2; seq <= 201; seq++) {
    transport.deliver({ type: "message", room: ROOM, message: message(seq) });
    await Promise.resolve(); // the checkpoint a browser runs after each WebSocket message event
  }
  assert.equal(store.getRoom(ROOM).messages.length, 1, "nothing is applied while the burst arrives");
  await until(() => store.getRoom(ROOM).messages.length === 201);
  assert.deepEqual(store.getRoom(ROOM).messages.map((m) => m.seq), Array.from({ length: 201 }, (_, i) => i + 1));
  assert.equal(renders, 1);
  client.stop();
});

test("a session's end first applies the frames received before it", async () => {
  const { store, transport, client } = await batchedJoined();
  transport.deliver({ type: "message", room: ROOM, message: message(2) });
  transport.drop();
  assert.equal(store.maxSeq(ROOM), 2, "the frame before the drop is applied");
  assert.equal(store.getRoom(ROOM).joined, false);
  transport.ready();
  const [again] = transport.take("join");
  assert.equal(again?.since, 2, "the re-join asks after it");

  // A join answered just before a drop must not leave the room marked joined on a dead session.
  transport.deliver({ type: "joined", ref: again!.id, room: ROOM, seq: 2, members: [], typing: [], reads: {}, delivered: {} });
  transport.drop();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.getRoom(ROOM).joined, false, "the join is applied before the drop, not after it");
  client.stop();
});
