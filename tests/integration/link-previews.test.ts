/**
 * Link previews against the real server and a real local web server that counts requests:
 * a preview reaches every member as `message_updated`; the fetcher refuses loopback (without
 * the allow-list), private, link-local/metadata and CGNAT addresses, a redirect from an allowed
 * host into a private one, more than 5 redirects, bodies over 1 MB, non-HTML and pages slower
 * than 5 s; one fetch serves every message with the same URL; LINK_PREVIEWS=off fetches
 * nothing; only the sender removes a preview, for good; edits refresh it; deleted messages and
 * blocked senders never show one.
 *
 * The server logs one `link preview` line per job with the message id and its outcome; tests
 * wait for that line, so a refusal is observed as it happens rather than assumed after a pause.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, sleep, waitFor, type TestSocket, type TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";

// ---------------------------------------------------------------------------------------------
// The local web server the previews are fetched from.

const hits = new Map<string, number>();
const hitsOf = (path: string) => hits.get(path) ?? 0;
let web: http.Server;
let webBase: string;

const page = (title: string) => `<!doctype html><html><head>
<meta charset="utf-8"><title>Fallback &amp; title</title>
<meta property="og:title" content="${title}">
<meta property="og:description" content="A page about ${title} &mdash; with details">
<meta property="og:site_name" content="Local Site">
<meta property="og:image" content="http://tracker.example/pixel.png">
</head><body><p>body</p></body></html>`;

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://local");
  hits.set(url.pathname, hitsOf(url.pathname) + 1);
  const [, kind, arg] = url.pathname.split("/");
  switch (kind) {
    case "page":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(`Page ${arg}`));
      return;
    case "plain":
      res.writeHead(200, { "content-type": "text/html" }).end(`<html><head><title> Plain  ${arg} </title><meta name="description" content="Plain description"></head></html>`);
      return;
    case "chain": {
      const left = Number(arg);
      if (left > 0) res.writeHead(302, { location: `/chain/${left - 1}` }).end();
      else res.writeHead(200, { "content-type": "text/html" }).end(page("End of chain"));
      return;
    }
    case "to-private":
      res.writeHead(302, { location: "http://10.20.30.40/internal" }).end();
      return;
    case "to-metadata":
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      return;
    case "json":
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ title: "not html" }));
      return;
    case "big": {
      // Chunked, so the size is only known by reading: 1.5 MB of HTML after a valid head.
      res.writeHead(200, { "content-type": "text/html" });
      res.write(page("Big"));
      const filler = `<p>${"x".repeat(64 * 1024)}</p>`;
      for (let i = 0; i < 24; i++) res.write(filler);
      res.end();
      return;
    }
    case "big-declared":
      res.writeHead(200, { "content-type": "text/html", "content-length": String(2 * 1024 * 1024) });
      res.write(page("Declared big"));
      // Never finishes the declared length: the fetcher must refuse on the header alone.
      return;
    case "slow":
      // Headers never come; the connection is closed when the suite ends.
      return;
    default:
      res.writeHead(404, { "content-type": "text/html" }).end("<title>Not found</title>");
  }
}

// ---------------------------------------------------------------------------------------------

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let room: string;
let a: TestSocket;
let b: TestSocket;

before(async () => {
  web = http.createServer(handle);
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

after(async () => {
  web.closeAllConnections();
  await new Promise((resolve) => web.close(resolve));
});

type LogLine = { msg?: string; message?: string; outcome?: string; cached?: boolean; linkPreviews?: string };
const parsed = (s: TestServer): LogLine[] =>
  s.logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });

/** The outcome the preview job logged for a message (ok, blocked, timeout, …), once it ran. */
async function outcomeOf(s: TestServer, messageId: string, { timeoutMs = 15_000, nth = 1 } = {}): Promise<LogLine> {
  let found: LogLine | undefined;
  await waitFor(
    () => {
      found = parsed(s).filter((l) => l.msg === "link preview" && l.message === messageId)[nth - 1];
      return found !== undefined;
    },
    { timeoutMs, what: `link preview job for ${messageId}` },
  );
  return found!;
}

async function send(socket: TestSocket, roomId: string, content: string): Promise<Message> {
  const ack = await socket.request({ type: "send", room: roomId, content });
  assert.equal(ack.type, "ack", JSON.stringify(ack));
  return (ack as Extract<ServerFrame, { type: "ack" }>).message;
}

const updateOf = (socket: TestSocket, id: string, from: number, match: (m: Message) => boolean = (m) => m.preview !== undefined) =>
  socket.next((f) => f.type === "message_updated" && f.message.id === id && match(f.message), { timeoutMs: 15_000, fromIndex: from }) as Promise<Extract<ServerFrame, { type: "message_updated" }>>;

async function historyMessage(user: TestUser, roomId: string, id: string): Promise<Message> {
  const res = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${roomId}/messages?limit=100`, { token: user.token });
  const found = res.body.messages.find((m) => m.id === id);
  assert.ok(found, "the message is in history");
  return found;
}

/** Sends a link, waits for its job, and checks it was refused for `reason` without a preview. */
async function assertRefused(s: TestServer, socket: TestSocket, roomId: string, url: string, reason: string): Promise<void> {
  const sent = await send(socket, roomId, `see ${url}`);
  const line = await outcomeOf(s, sent.id);
  assert.equal(line.outcome, reason, `${url} is refused as ${reason}`);
  const stored = await api<{ messages: Message[] }>(s.url, "GET", `/api/rooms/${roomId}/messages?limit=100`, { token: alice.token });
  assert.equal(stored.body.messages.find((m) => m.id === sent.id)?.preview, undefined, `${url} has no preview`);
}

describe("link previews", () => {
  before(async () => {
    server = await startServer({ LINK_PREVIEW_ALLOW_HOSTS: "127.0.0.1" });
    [alice, bob] = await users(server, ["alice", "bob"]);
    room = await createRoom(server.url, alice);
    a = await connect(server, alice, { join: [room] });
    b = await connect(server, bob, { join: [room] });
  });

  // Stopped before the next suite starts its own servers: the machine running the tests is small.
  after(() => server?.stop());

  test("a page on an allowed host becomes a preview every member gets as message_updated", async () => {
    const fromB = b.frames.length;
    const fromA = a.frames.length;
    const url = `${webBase}/page/one?q=1`;
    const sent = await send(a, room, `have a look: ${url}.`);
    assert.equal(sent.preview, undefined, "the ack does not wait for the fetch");

    const update = await updateOf(b, sent.id, fromB);
    assert.deepEqual(update.message.preview, { url, title: "Page one", description: "A page about Page one — with details", site_name: "Local Site" });
    assert.equal(update.message.content, `have a look: ${url}.`);
    assert.equal(update.message.edited_at, null, "a preview is not an edit");
    assert.ok(!("image" in update.message.preview!), "og:image is never passed on");
    await updateOf(a, sent.id, fromA);
    assert.deepEqual((await historyMessage(bob, room, sent.id)).preview, update.message.preview, "history carries it too");
    assert.equal((await outcomeOf(server, sent.id)).outcome, "ok");

    // <title> and <meta name="description"> when there is no Open Graph; only the first link counts.
    const plain = await send(a, room, `${webBase}/plain/two and ${webBase}/page/ignored`);
    const plainUpdate = await updateOf(b, plain.id, fromB);
    assert.deepEqual(plainUpdate.message.preview, { url: `${webBase}/plain/two`, title: "Plain two", description: "Plain description" });
    assert.equal(hitsOf("/page/ignored"), 0, "only the first link is fetched");
  });

  test("private, link-local (metadata) and CGNAT addresses are refused before any connection", async () => {
    for (const url of ["http://10.0.0.5/", "http://192.168.1.1/admin", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://172.16.0.1/", "http://[fd00::1]/", "http://0.0.0.0/"]) {
      await assertRefused(server, a, room, url, "blocked");
    }
  });

  test("a redirect from an allowed host into a private or metadata address is refused", async () => {
    await assertRefused(server, a, room, `${webBase}/to-private/x`, "blocked");
    assert.equal(hitsOf("/to-private/x"), 1, "the allowed hop was fetched");
    await assertRefused(server, a, room, `${webBase}/to-metadata/x`, "blocked");
  });

  test("at most 5 redirects are followed", async () => {
    const fromB = b.frames.length;
    const five = await send(a, room, `${webBase}/chain/5`);
    assert.equal((await updateOf(b, five.id, fromB)).message.preview?.title, "End of chain", "5 redirects are fine");
    await assertRefused(server, a, room, `${webBase}/chain/6`, "too_many_redirects");
    assert.equal(hitsOf("/chain/0"), 1, "the sixth redirect was not followed");
  });

  test("bodies over 1 MB, non-HTML answers and pages slower than 5 s are refused", async () => {
    await assertRefused(server, a, room, `${webBase}/big/x`, "too_large");
    await assertRefused(server, a, room, `${webBase}/big-declared/x`, "too_large");
    await assertRefused(server, a, room, `${webBase}/json/x`, "not_html");
    await assertRefused(server, a, room, `${webBase}/missing/x`, "http_status");
    await assertRefused(server, a, room, `${webBase}/slow/x`, "timeout");
    await assertRefused(server, a, room, `ftp://${webBase.slice(7)}/page/ftp https://127.0.0.1:1/x`, "network");
  });

  test("two messages with the same link fetch it once", async () => {
    const fromB = b.frames.length;
    const url = `${webBase}/page/cached`;
    const first = await send(a, room, `first ${url}`);
    const second = await send(b, room, `second ${url}`);
    assert.equal((await updateOf(b, first.id, fromB)).message.preview?.title, "Page cached");
    assert.equal((await updateOf(b, second.id, fromB)).message.preview?.title, "Page cached");
    assert.equal(hitsOf("/page/cached"), 1, "one fetch for both messages");
    assert.equal((await outcomeOf(server, second.id)).cached, true);
  });

  test("only the sender removes a preview; others get message_updated and it never comes back", async () => {
    const fromB = b.frames.length;
    const sent = await send(a, room, `${webBase}/page/removable`);
    await updateOf(b, sent.id, fromB);
    const path = `/api/rooms/${room}/messages/${sent.id}/preview`;

    const refused = await api<{ error: { code: string } }>(server.url, "DELETE", path, { token: bob.token });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "FORBIDDEN");
    assert.ok((await historyMessage(alice, room, sent.id)).preview, "bob's attempt changed nothing");

    const fromRemoval = b.frames.length;
    const removed = await api<{ message: Message }>(server.url, "DELETE", path, { token: alice.token });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.message.preview, undefined);
    const update = await updateOf(b, sent.id, fromRemoval, (m) => m.preview === undefined);
    assert.equal(update.message.content, `${webBase}/page/removable`);
    assert.equal((await historyMessage(bob, room, sent.id)).preview, undefined);

    // An edit to another link does not bring one back.
    const edit = await a.request({ type: "edit", room, message: sent.id, content: `now ${webBase}/page/after-removal` });
    assert.equal(edit.type, "ack");
    assert.equal((await outcomeOf(server, sent.id, { nth: 2 })).outcome, "removed");
    assert.equal(hitsOf("/page/after-removal"), 0, "nothing is fetched for a message whose preview was removed");
    assert.equal((await historyMessage(bob, room, sent.id)).preview, undefined);

    const unknown = await api(server.url, "DELETE", `/api/rooms/${room}/messages/${randomUUID()}/preview`, { token: alice.token });
    assert.equal(unknown.status, 404);
  });

  test("an edit that changes the link refreshes the preview; one that drops it drops the preview", async () => {
    const fromB = b.frames.length;
    const sent = await send(a, room, `${webBase}/page/before`);
    assert.equal((await updateOf(b, sent.id, fromB)).message.preview?.title, "Page before");

    const fromEdit = b.frames.length;
    const edited = await a.request({ type: "edit", room, message: sent.id, content: `changed: ${webBase}/page/after` });
    assert.equal(edited.type, "ack");
    assert.equal((edited as Extract<ServerFrame, { type: "ack" }>).message.preview, undefined, "the old link's preview goes with the edit");
    assert.equal((await updateOf(b, sent.id, fromEdit)).message.preview?.title, "Page after");

    const fromSame = b.frames.length;
    const same = await a.request({ type: "edit", room, message: sent.id, content: `same link, new words: ${webBase}/page/after` });
    assert.equal((same as Extract<ServerFrame, { type: "ack" }>).message.preview?.title, "Page after", "the same link keeps its preview");
    await updateOf(b, sent.id, fromSame, (m) => m.content.startsWith("same link"));

    const fromDrop = b.frames.length;
    await a.request({ type: "edit", room, message: sent.id, content: "no link any more" });
    const dropped = await updateOf(b, sent.id, fromDrop, (m) => m.content === "no link any more");
    assert.equal(dropped.message.preview, undefined);
    assert.equal((await historyMessage(bob, room, sent.id)).preview, undefined);
  });

  test("a message deleted before its job runs is never previewed", async () => {
    // The embedded queue runs one job at a time: the slow page holds it while the next is deleted.
    const slow = await send(a, room, `${webBase}/slow/hold`);
    const doomed = await send(a, room, `${webBase}/page/deleted`);
    const deleted = await a.request({ type: "delete", room, message: doomed.id });
    assert.equal(deleted.type, "ack");
    assert.equal((await outcomeOf(server, slow.id)).outcome, "timeout");
    assert.equal((await outcomeOf(server, doomed.id)).outcome, "skipped");
    assert.equal(hitsOf("/page/deleted"), 0);
  });

  test("a blocked sender's preview is masked for the blocker", async () => {
    const carol = await registerUser(server.url, "carol");
    const c = await connect(server, carol, { join: [room] });
    assert.equal((await api(server.url, "POST", "/api/blocks", { token: carol.token, body: { user: alice.id } })).status, 204);
    const fromB = b.frames.length;
    const fromC = c.frames.length;
    const sent = await send(a, room, `${webBase}/page/blocked`);
    await updateOf(b, sent.id, fromB);
    const masked = await c.next((f) => f.type === "message_updated" && f.message.id === sent.id, { fromIndex: fromC, timeoutMs: 15_000 });
    assert.ok(masked.type === "message_updated" && masked.message.blocked && masked.message.preview === undefined && masked.message.content === "");
    assert.equal((await historyMessage(carol, room, sent.id)).preview, undefined);
  });
});

describe("link previews without the allow-list, and switched off", () => {
  test("loopback is refused when not allow-listed", async () => {
    const other = await startServer();
    try {
      const [user] = await users(other, ["dora"]);
      const otherRoom = await createRoom(other.url, user);
      const socket = await connect(other, user, { join: [otherRoom] });
      const loginAs = alice;
      alice = user; // assertRefused reads history as `alice`
      try {
        await assertRefused(other, socket, otherRoom, `${webBase}/page/loopback`, "blocked");
        await assertRefused(other, socket, otherRoom, `http://localhost:${new URL(webBase).port}/page/localhost`, "blocked");
      } finally {
        alice = loginAs;
      }
      assert.equal(hitsOf("/page/loopback") + hitsOf("/page/localhost"), 0, "no request reached the loopback server");
      await socket.close();
    } finally {
      await other.stop();
    }
  });

  test("LINK_PREVIEWS=off fetches nothing", async () => {
    const off = await startServer({ LINK_PREVIEWS: "off", LINK_PREVIEW_ALLOW_HOSTS: "127.0.0.1" });
    try {
      assert.ok(parsed(off).some((l) => l.msg === "link previews" && l.linkPreviews === "off"));
      const [user] = await users(off, ["erin"]);
      const offRoom = await createRoom(off.url, user);
      const socket = await connect(off, user, { join: [offRoom] });
      const sent = await send(socket, offRoom, `${webBase}/page/off`);
      await send(socket, offRoom, "a later message, acked after the first one's job would have been queued");
      // Nothing can be waited for when nothing happens: give a job ample time to show up.
      for (let i = 0; i < 20; i++) {
        assert.equal(hitsOf("/page/off"), 0, "no fetch with previews off");
        await sleep(100);
      }
      assert.ok(!parsed(off).some((l) => l.msg === "link preview" && l.message === sent.id), "no preview job ran");
      await socket.close();
    } finally {
      await off.stop();
    }
  });
});
