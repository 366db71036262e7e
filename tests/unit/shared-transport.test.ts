/**
 * One socket per browser (lib/sync/shared-transport.ts): tabs are SharedTransports on real
 * BroadcastChannels (Node's), the lock is a fake Web Locks manager that grants in request order
 * and passes on release, and the socket is a fake Transport that records what it was sent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SharedTransport, type LockManagerLike } from "@/lib/sync/shared-transport";
import type { ConnectionStatus, Transport, TransportEvents } from "@/lib/sync/transport";
import { PROTOCOL_VERSION, type ClientFrame, type ServerFrame } from "@/protocol";

class FakeLocks implements LockManagerLike {
  private held: string | null = null;
  private queue: { callback: () => Promise<void>; signal?: AbortSignal; resolve: () => void; reject: (err: unknown) => void }[] = [];
  request(_name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown> {
    return new Promise<void>((resolve, reject) => {
      const entry = { callback, signal: options.signal, resolve, reject };
      options.signal?.addEventListener("abort", () => {
        const i = this.queue.indexOf(entry);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(new Error("aborted"));
      });
      this.queue.push(entry);
      this.grant();
    });
  }
  private grant() {
    if (this.held || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.held = "x";
    void next.callback().then(() => {
      this.held = null;
      next.resolve();
      this.grant();
    });
  }
}

class FakeSocket implements Transport {
  static all: FakeSocket[] = [];
  events: TransportEvents | null = null;
  sent: ClientFrame[] = [];
  stopped = false;
  constructor() {
    FakeSocket.all.push(this);
  }
  start(events: TransportEvents) {
    this.events = events;
    events.status("connecting");
  }
  stop() {
    this.stopped = true;
  }
  send(frame: ClientFrame) {
    this.sent.push(frame);
    return true;
  }
  reconnectNow() {}
  restart() {}
  ready() {
    this.events!.status("online");
    this.events!.ready({ type: "ready", user: { id: "u1", username: "ann" }, session: "s", protocol: PROTOCOL_VERSION });
  }
  deliver(frame: ServerFrame) {
    this.events!.frame(frame);
  }
  types() {
    return this.sent.map((f) => f.type + ("room" in f ? ` ${f.room}` : "rooms" in f ? ` ${f.rooms?.join(",")}` : ""));
  }
}

class Tab {
  frames: ServerFrame[] = [];
  readies = 0;
  closes: number[] = [];
  statuses: ConnectionStatus[] = [];
  retryAt: number | null = null;
  readonly transport: SharedTransport;
  constructor(locks: LockManagerLike, key: string, readonly name: string) {
    this.transport = new SharedTransport({ key, locks, tabId: name, createSocket: () => new FakeSocket() });
    this.transport.start({
      ready: () => void this.readies++,
      frame: (frame) => void this.frames.push(frame),
      closed: (code) => void this.closes.push(code),
      status: (status, retryAt = null) => {
        this.statuses.push(status);
        this.retryAt = retryAt;
      },
    });
  }
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

function browser(t: { after: (fn: () => void) => void }, tabs: number) {
  FakeSocket.all = [];
  const locks = new FakeLocks();
  const key = `user-${Math.random()}`;
  const list = Array.from({ length: tabs }, (_, i) => new Tab(locks, key, `tab${i}`));
  t.after(() => list.forEach((tab) => tab.transport.stop()));
  return { locks, key, tabs: list };
}

test("tabs share one socket: only the leader opens one, and every tab gets the session", async (t) => {
  const { tabs } = browser(t, 3);
  await until(() => FakeSocket.all.length === 1, "a leader opens the socket");
  assert.equal(tabs[0]!.transport.isLeader, true);
  FakeSocket.all[0]!.ready();
  await until(() => tabs.every((tab) => tab.readies === 1), "every tab is ready");
  assert.equal(FakeSocket.all.length, 1, "one socket for three tabs");
  assert.equal(tabs[2]!.statuses.at(-1), "online");
});

test("while the leader waits to reconnect, every tab knows when the next attempt is", async (t) => {
  const { locks, key, tabs } = browser(t, 2);
  await until(() => FakeSocket.all.length === 1, "leader");
  const socket = FakeSocket.all[0]!;
  socket.ready();
  await until(() => tabs[1]!.readies === 1, "follower ready");
  socket.events!.status("reconnecting", 12_345);
  await until(() => tabs[1]!.statuses.at(-1) === "reconnecting", "follower told");
  assert.equal(tabs[1]!.retryAt, 12_345);
  assert.equal(tabs[0]!.retryAt, 12_345);
  const late = new Tab(locks, key, "late");
  t.after(() => late.transport.stop());
  await until(() => late.statuses.at(-1) === "reconnecting", "a tab opened meanwhile is told too");
  assert.equal(late.retryAt, 12_345);
  socket.events!.status("online");
  await until(() => tabs[1]!.statuses.at(-1) === "online", "back");
  assert.equal(tabs[1]!.retryAt, null);
});

test("a follower's frames go out on the leader's socket; replies with its ref come back to it alone; acks reach every tab", async (t) => {
  const { tabs } = browser(t, 2);
  await until(() => FakeSocket.all.length === 1, "leader");
  const socket = FakeSocket.all[0]!;
  socket.ready();
  await until(() => tabs[1]!.readies === 1, "follower ready");
  assert.equal(tabs[1]!.transport.send({ type: "join", id: "j1", room: "r" }), true);
  await until(() => socket.sent.length === 1, "join forwarded");
  socket.deliver({ type: "joined", ref: "j1", room: "r", seq: 0, members: [], typing: [], reads: {}, delivered: {} });
  socket.deliver({ type: "error", ref: "j1", code: "INVALID", message: "x", retryable: false });
  tabs[1]!.transport.send({ type: "send", id: "c1", room: "r", content: "hi" });
  await until(() => socket.sent.length === 2, "send forwarded");
  socket.deliver({ type: "ack", ref: "c1", message: { id: "m1", room: "r", seq: 1, sender: "u1", kind: "text", content: "hi", client_id: "c1", created_at: new Date(0).toISOString() } });
  socket.deliver({ type: "typing", room: "r", users: [] });
  await until(() => tabs[1]!.frames.length === 4, "follower frames");
  assert.deepEqual(tabs[1]!.frames.map((f) => f.type), ["joined", "error", "ack", "typing"]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(tabs[0]!.frames.map((f) => f.type), ["ack", "typing"], "the leader's tab sees the ack and broadcasts, not the follower's replies");
});

test("a room is left on the server only when no tab holds it; a closing tab releases its rooms", async (t) => {
  const { tabs } = browser(t, 3);
  await until(() => FakeSocket.all.length === 1, "leader");
  const socket = FakeSocket.all[0]!;
  socket.ready();
  await until(() => tabs.every((tab) => tab.readies === 1), "ready");
  tabs[0]!.transport.send({ type: "join", room: "a" });
  tabs[1]!.transport.send({ type: "join", room: "a" });
  tabs[1]!.transport.send({ type: "watch", rooms: ["w1", "w2"] });
  tabs[2]!.transport.send({ type: "watch", rooms: ["w2"] });
  await until(() => socket.sent.length === 4, "joins and watches forwarded");
  tabs[0]!.transport.send({ type: "leave", id: "l1", room: "a" });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(socket.sent.length, 4, "tab1 still has the room: the leave stays in the browser");
  assert.equal(tabs[0]!.frames.at(-1)?.type, "left", "the leaving tab is answered all the same");
  tabs[1]!.transport.stop();
  await until(() => socket.sent.length === 6, "tab1's goodbye releases its rooms");
  assert.deepEqual(socket.types().slice(4), ["leave a", "unwatch w1"], "w2 is still watched by tab2");
});

test("idle is per tab: the socket turns idle only when every tab is", async (t) => {
  const { tabs } = browser(t, 2);
  await until(() => FakeSocket.all.length === 1, "leader");
  const socket = FakeSocket.all[0]!;
  socket.ready();
  await until(() => tabs[1]!.readies === 1, "ready");
  tabs[1]!.transport.send({ type: "presence", status: "idle" });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(socket.sent, [], "the leader's tab is still active");
  tabs[0]!.transport.send({ type: "presence", status: "idle" });
  assert.deepEqual(socket.sent, [{ type: "presence", status: "idle" }]);
});

test("closing the leader tab hands the socket to another tab, whose session the others follow", async (t) => {
  const { tabs } = browser(t, 3);
  await until(() => FakeSocket.all.length === 1, "leader");
  FakeSocket.all[0]!.ready();
  await until(() => tabs.every((tab) => tab.readies === 1), "ready");
  tabs[0]!.transport.stop();
  await until(() => FakeSocket.all.length === 2, "a new leader opens a socket");
  assert.equal(FakeSocket.all[0]!.stopped, true, "the old leader's socket is closed");
  assert.equal(tabs[1]!.transport.isLeader, true);
  await until(() => tabs[2]!.closes.length === 1, "the follower saw the old session end");
  FakeSocket.all[1]!.ready();
  await until(() => tabs[1]!.readies === 2 && tabs[2]!.readies === 2, "both remaining tabs have a new session");
  tabs[2]!.transport.send({ type: "join", room: "r", since: 7 });
  await until(() => FakeSocket.all[1]!.sent.length === 1, "the follower's re-join goes out on the new socket");
});

test("a final close before any session (bad credentials) reaches every tab", async (t) => {
  const { tabs } = browser(t, 2);
  await until(() => FakeSocket.all.length === 1, "leader");
  await new Promise((resolve) => setTimeout(resolve, 20));
  FakeSocket.all[0]!.events!.closed(4001);
  await until(() => tabs[1]!.closes.includes(4001), "follower told");
  assert.deepEqual(tabs[0]!.closes, [4001]);
});

test("a frozen leader steps out (another tab leads) and comes back as a follower when resumed", async (t) => {
  const { tabs } = browser(t, 2);
  await until(() => FakeSocket.all.length === 1, "leader");
  FakeSocket.all[0]!.ready();
  await until(() => tabs[1]!.readies === 1, "ready");
  tabs[0]!.transport.suspend();
  assert.equal(FakeSocket.all[0]!.stopped, true, "a frozen page cannot relay: its socket closes");
  assert.deepEqual(tabs[0]!.closes, [0]);
  await until(() => tabs[1]!.transport.isLeader, "the other tab takes the lock");
  FakeSocket.all[1]!.ready();
  tabs[0]!.transport.resume();
  await until(() => tabs[0]!.readies === 2, "the resumed tab follows the new leader's session");
  assert.equal(tabs[0]!.transport.isLeader, false);
  assert.equal(FakeSocket.all.length, 2, "no third socket");
});
