import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SystemMeta, type Message, type ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: TestUser;

before(async () => {
  server = await startServer();
  owner = await registerUser(server.url, "owner");
});
after(() => server.stop());

const moderate = (room: string, body: Record<string, unknown>, by = owner) =>
  api<{ error?: { code: string } }>(server.url, "POST", `/api/rooms/${room}/moderation`, { token: by.token, body });
const patchRoom = (room: string, body: Record<string, unknown>, by = owner) =>
  api<{ error?: { code: string } }>(server.url, "PATCH", `/api/rooms/${room}`, { token: by.token, body });
const history = async (room: string, user: TestUser, query = "") => {
  const res = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages${query}`, { token: user.token });
  assert.equal(res.status, 200);
  return res.body.messages;
};
const send = (s: TestSocket, room: string, content: string) => s.request({ type: "send", id: randomUUID(), room, content });
/** The system lines of a history as `event:subject` (plus the new role), in seq order. */
const storyOf = (messages: Message[]) =>
  messages
    .filter((m) => m.kind === "system")
    .map((m) => {
      const meta = SystemMeta.parse(m.meta);
      const subject = "target" in meta ? meta.target.username : "";
      return `${meta.event}:${subject}${meta.event === "role" ? `:${meta.role}` : ""}`;
    });

describe("system messages", () => {
  test("joins, leaves, role changes, renames, kicks and bans are told in order in history, live and in `since` replay", async () => {
    const room = await createRoom(server.url, owner);
    const [bob, carol, dave] = await Promise.all([registerUser(server.url, "bob"), registerUser(server.url, "carol"), registerUser(server.url, "dave")]);
    const watcher = await TestSocket.connect(server.wsUrl, owner);
    await watcher.join(room);

    const bobSocket = await TestSocket.connect(server.wsUrl, bob);
    await bobSocket.join(room);
    const hello = await send(bobSocket, room, "hello");
    assert.equal(hello.type, "ack");
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: carol.token })).status, 200);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: dave.token })).status, 200);
    assert.equal((await moderate(room, { action: "role", user: bob.id, role: "moderator" })).status, 200);
    assert.equal((await patchRoom(room, { name: "renamed-room", topic: "now with a topic" })).status, 200);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/leave`, { token: dave.token })).status, 204);
    assert.equal((await moderate(room, { action: "kick", user: carol.id, reason: "off topic" }, bob)).status, 200);
    assert.equal((await moderate(room, { action: "ban", user: dave.id, reason: "spam" })).status, 200);

    const expected = [
      `joined:${bob.username}`,
      `joined:${carol.username}`,
      `joined:${dave.username}`,
      `role:${bob.username}:moderator`,
      "renamed:",
      "topic:",
      `left:${dave.username}`,
      `kicked:${carol.username}`,
      `banned:${dave.username}`,
    ];
    const stored = await history(room, owner);
    assert.deepEqual(storyOf(stored), expected);
    assert.deepEqual(
      stored.map((m) => m.seq),
      stored.map((_, i) => i + 1),
      "system lines share the room's gap-free seq with messages",
    );
    assert.equal(stored[0]?.kind, "system");
    assert.equal(stored[1]?.content, "hello", "bob's join line comes before his first message");

    const byEvent = new Map(stored.map((m) => [SystemMeta.safeParse(m.meta).data?.event, m]));
    const kick = byEvent.get("kicked")!;
    assert.equal(kick.sender, bob.id, "the actor is the sender");
    assert.equal(kick.content, `${bob.username} removed ${carol.username}: off topic`);
    assert.deepEqual(kick.meta, { event: "kicked", actor: { id: bob.id, username: bob.username }, target: { id: carol.id, username: carol.username }, reason: "off topic" });
    assert.equal(byEvent.get("left")!.sender, dave.id, "the member who left is the sender of the line");
    assert.equal(byEvent.get("renamed")!.content, `${owner.username} renamed the room to “renamed-room”`);
    assert.equal(byEvent.get("banned")!.content, `${owner.username} banned ${dave.username}: spam`);

    // Live: the watcher, joined all along, received every line as a `message` frame in order.
    const last = stored.at(-1)!;
    await watcher.next((f) => f.type === "message" && f.message.id === last.id);
    assert.deepEqual(storyOf(watcher.messages(room)), expected);

    // Replay: a client re-joining with `since` gets the same story from the database.
    const late = await TestSocket.connect(server.wsUrl, owner);
    const from = late.frames.length;
    const joined = await late.join(room, 0);
    assert.equal(joined.seq, last.seq);
    await late.next((f) => f.type === "message" && f.message.id === last.id, { fromIndex: from });
    assert.deepEqual(storyOf(late.messages(room)), expected);
    await Promise.all([watcher.close(), bobSocket.close(), late.close()]);
  });

  test("mute, unmute, unban, visibility and settings changes are recorded; an unchanged save records nothing", async () => {
    const room = await createRoom(server.url, owner);
    const erin = await registerUser(server.url, "erin");
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: erin.token })).status, 200);
    assert.equal((await moderate(room, { action: "mute", user: erin.id, duration_s: 60 })).status, 200);
    assert.equal((await moderate(room, { action: "unmute", user: erin.id })).status, 200);
    assert.equal((await moderate(room, { action: "ban", user: erin.id })).status, 200);
    assert.equal((await moderate(room, { action: "unban", user: erin.id })).status, 200);
    assert.equal((await patchRoom(room, { visibility: "private", slow_mode_s: 5, files_allowed: true })).status, 200);
    // The settings form sends every field on each save: the same values again change nothing.
    assert.equal((await patchRoom(room, { visibility: "private", slow_mode_s: 5, files_allowed: true, typing_indicators: true })).status, 200);

    const stored = await history(room, owner);
    const metas = stored.map((m) => SystemMeta.parse(m.meta));
    assert.deepEqual(
      metas.map((m) => m.event),
      ["joined", "muted", "unmuted", "banned", "unbanned", "visibility", "settings"],
    );
    const muted = metas[1]!;
    assert.ok(muted.event === "muted" && Date.parse(muted.until) > Date.now(), "the mute's end is recorded");
    assert.deepEqual(metas[5], { event: "visibility", actor: { id: owner.id, username: owner.username }, from: "public", to: "private" });
    assert.deepEqual(metas[6], { event: "settings", actor: { id: owner.id, username: owner.username }, changed: ["slow_mode_s"] }, "files_allowed: true is the default");
  });

  test("saving every setting at its default on a room that never set them writes no line and no audit row", async () => {
    const room = await createRoom(server.url, owner);
    const defaults = { retention_days: null, files_allowed: true, typing_indicators: true, slow_mode_s: 0, member_limit: null, guests_can_post: false, system_joins: true, room_mentions: true, assistant: true };
    assert.equal((await patchRoom(room, defaults)).status, 200);
    assert.deepEqual(await history(room, owner), []);
    const audit = await api<{ entries: Array<{ action: string }> }>(server.url, "GET", `/api/rooms/${room}/audit`, { token: owner.token });
    assert.deepEqual(
      audit.body.entries.filter((e) => e.action === "settings"),
      [],
    );

    // A real change still logs both, naming only what changed.
    assert.equal((await patchRoom(room, { ...defaults, assistant: false })).status, 200);
    assert.deepEqual(
      (await history(room, owner)).map((m) => m.meta),
      [{ event: "settings", actor: { id: owner.id, username: owner.username }, changed: ["assistant"] }],
    );
    const after = await api<{ entries: Array<{ action: string; details: Record<string, unknown> | null }> }>(server.url, "GET", `/api/rooms/${room}/audit`, { token: owner.token });
    const settings = after.body.entries.filter((e) => e.action === "settings");
    assert.equal(settings.length, 1);
    assert.deepEqual(settings[0]?.details?.changes, [{ field: "assistant", from: true, to: false }]);
  });

  test("system lines are never unread, for the REST summary nor the watch answer, and send no room_activity", async () => {
    const room = await createRoom(server.url, owner);
    const [frank, grace] = await Promise.all([registerUser(server.url, "frank"), registerUser(server.url, "grace")]);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: frank.token })).status, 200);
    const before = (await history(room, owner)).at(-1)!.seq;
    const ownerSocket = await TestSocket.connect(server.wsUrl, owner);
    await ownerSocket.join(room);
    ownerSocket.send({ type: "read", room, seq: before });

    const frankSocket = await TestSocket.connect(server.wsUrl, frank);
    frankSocket.send({ type: "watch", id: randomUUID(), rooms: [room] });
    await frankSocket.next("unread");
    await send(ownerSocket, room, "one real message");
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: grace.token })).status, 200);
    assert.equal((await moderate(room, { action: "mute", user: grace.id, duration_s: 60 })).status, 200);
    assert.equal((await patchRoom(room, { topic: "quiet" })).status, 200);
    await send(ownerSocket, room, "another real message");
    const lastSeq = (await history(room, owner)).at(-1)!.seq;
    assert.equal(lastSeq, before + 5, "two messages and three system lines between them");

    // Frank follows the room without joining: a `room_activity` for each real message only.
    await frankSocket.next((f) => f.type === "room_activity" && f.seq === lastSeq);
    const activity = frankSocket.frames.filter((f): f is Extract<ServerFrame, { type: "room_activity" }> => f.type === "room_activity");
    assert.deepEqual(
      activity.map((f) => f.seq),
      [before + 1, lastSeq],
    );

    const mine = await api<{ rooms: Array<{ id: string; unread: number; last_seq: number; read_seq: number }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: frank.token });
    const summary = mine.body.rooms.find((r) => r.id === room)!;
    assert.equal(summary.last_seq, lastSeq);
    assert.equal(summary.unread, 2, "only the owner's messages are unread for frank");
    assert.equal(summary.read_seq, 0, "the cursor is given, since last_seq - unread is none");
    const watch = (await frankSocket.request({ type: "watch", rooms: [room] })) as Extract<ServerFrame, { type: "unread" }>;
    assert.equal(watch.rooms[0]?.unread, 2);

    // The owner's cursor still advances past system lines.
    ownerSocket.send({ type: "read", room, seq: lastSeq });
    await waitFor(async () => {
      const res = await api<{ rooms: Array<{ id: string; unread: number; read_seq: number }> }>(server.url, "GET", "/api/rooms?scope=mine", { token: owner.token });
      const mine = res.body.rooms.find((r) => r.id === room);
      return mine?.unread === 0 && mine.read_seq === lastSeq;
    });
    const receipt = await ownerSocket.next((f) => f.type === "receipt" && f.user === owner.id && f.seq === lastSeq);
    assert.equal(receipt.type, "receipt");
    await Promise.all([ownerSocket.close(), frankSocket.close()]);
  });

  test("`system_joins: false` leaves join and leave lines out, and keeps the others", async () => {
    const room = await createRoom(server.url, owner);
    assert.equal((await patchRoom(room, { system_joins: false })).status, 200);
    const [hank, ivy] = await Promise.all([registerUser(server.url, "hank"), registerUser(server.url, "ivy")]);
    const hankSocket = await TestSocket.connect(server.wsUrl, hank);
    await hankSocket.join(room);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/join`, { token: ivy.token })).status, 200);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/leave`, { token: ivy.token })).status, 204);
    assert.equal((await moderate(room, { action: "kick", user: hank.id })).status, 200);
    const events = (await history(room, owner)).map((m) => SystemMeta.parse(m.meta).event);
    assert.deepEqual(events, ["settings", "kicked"]);
    await hankSocket.close();
  });

  test("clients cannot send, edit, delete or react to system messages", async () => {
    const room = await createRoom(server.url, owner);
    const socket = await TestSocket.connect(server.wsUrl, owner);
    await socket.join(room);
    const refused = await socket.request({ type: "send", room, content: "owner joined", kind: "system" });
    assert.equal(refused.type, "error");
    assert.ok(refused.type === "error" && refused.code === "INVALID" && refused.field === "kind", JSON.stringify(refused));

    assert.equal((await patchRoom(room, { topic: "a topic" })).status, 200);
    const line = (await history(room, owner)).at(-1)!;
    assert.equal(line.kind, "system");
    assert.equal(line.sender, owner.id);
    const edit = await socket.request({ type: "edit", room, message: line.id, content: "rewritten" });
    assert.ok(edit.type === "error" && edit.code === "FORBIDDEN", JSON.stringify(edit));
    const del = await socket.request({ type: "delete", room, message: line.id });
    assert.ok(del.type === "error" && del.code === "FORBIDDEN", JSON.stringify(del));
    assert.equal((await moderate(room, { action: "delete_message", message: line.id })).status, 403);
    const react = await socket.request({ type: "react", room, message: line.id, emoji: "👍", op: "add" });
    assert.ok(react.type === "error" && react.code === "INVALID", JSON.stringify(react));
    assert.equal((await history(room, owner)).length, 1, "the refused send stored nothing");
    await socket.close();
  });
});
