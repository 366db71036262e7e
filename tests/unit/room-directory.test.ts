import assert from "node:assert/strict";
import { test } from "node:test";
import { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/queries";
import { RoomDirectory } from "@/lib/room-directory";
import type { RoomSummary } from "@/protocol/rest";

function room(id: string, last_seq: number, unread: number): RoomSummary {
  return { id, name: id, topic: "", visibility: "public", last_seq, unread };
}

/** A directory over a real QueryClient whose REST list is whatever `server.rooms` holds. */
function setup(initial: RoomSummary[]) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const server = { rooms: initial, fetches: 0 };
  const directory = new RoomDirectory(queryClient, async () => {
    server.fetches++;
    return server.rooms.map((r) => ({ ...r }));
  });
  const unread = (id: string) => directory.rooms().find((r) => r.id === id)?.unread;
  const cached = () => queryClient.getQueryData<readonly RoomSummary[]>(queryKeys.myRooms);
  return { queryClient, server, directory, unread, cached };
}

test("refresh loads the list into the query cache, where live updates land too", async () => {
  const { directory, server, cached, unread } = setup([room("a", 10, 2), room("b", 4, 0)]);
  assert.deepEqual(directory.roomIds(), []);
  await directory.refresh();
  assert.equal(server.fetches, 1);
  assert.deepEqual(directory.roomIds(), ["a", "b"]);
  directory.noteMessage("b", 5, false);
  assert.equal(unread("b"), 1);
  assert.equal(cached(), directory.rooms(), "one source of truth: the directory reads the cache entry");
});

test("noteMessage counts others' new messages once; own messages and replays are not unread", async () => {
  const { directory, unread } = setup([room("a", 10, 0)]);
  await directory.refresh();
  directory.noteMessage("a", 11, false);
  directory.noteMessage("a", 12, false);
  directory.noteMessage("a", 12, false); // the same frame again
  directory.noteMessage("a", 9, false); // a replay after reconnect
  assert.equal(unread("a"), 2);
  directory.noteMessage("a", 13, true);
  assert.equal(unread("a"), 2);
  assert.equal(directory.rooms()[0]!.last_seq, 13);
  directory.noteMessage("unknown", 1, false);
  assert.deepEqual(directory.roomIds(), ["a"]);
});

test("markRead: everything up to the cursor is read, and never more than last_seq - seq stays unread", async () => {
  const { directory, unread } = setup([room("a", 20, 5)]);
  await directory.refresh();
  directory.markRead("a", 18);
  assert.equal(unread("a"), 2);
  directory.markRead("a", 10); // an older cursor from another tab: remaining cannot grow
  assert.equal(unread("a"), 2);
  directory.markRead("a", 20);
  assert.equal(unread("a"), 0);
  assert.equal(directory.rooms()[0]!.read_seq, 20, "the read cursor is kept for the 'new messages' divider");
  directory.markRead("a", 15);
  assert.equal(directory.rooms()[0]!.read_seq, 20, "and never moves back");
});

test("applySummary is the baseline unless a newer live message was already counted", async () => {
  const { directory, unread } = setup([room("a", 10, 0), room("b", 10, 0), room("c", 3, 1)]);
  await directory.refresh();
  directory.noteMessage("a", 12, false); // counted live: last_seq 12, unread 1
  directory.applySummary([
    { room: "a", last_seq: 11, unread: 7 }, // older than what we counted: ignored
    { room: "b", last_seq: 15, unread: 4 }, // newer: taken
    { room: "c", last_seq: 3, unread: 1 }, // same: no change
  ]);
  assert.equal(unread("a"), 1);
  assert.equal(unread("b"), 4);
  assert.equal(unread("c"), 1);
});

test("a REST refresh keeps a live count newer than the server's answer", async () => {
  const { directory, server, unread } = setup([room("a", 10, 0)]);
  await directory.refresh();
  directory.noteMessage("a", 11, false);
  // The server answers as of seq 10 (the message was counted live after it read the list).
  server.rooms = [room("a", 10, 0), room("new", 1, 1)];
  await directory.refresh();
  assert.equal(unread("a"), 1);
  assert.equal(directory.rooms()[0]!.last_seq, 11);
  assert.deepEqual(directory.roomIds(), ["a", "new"]);
  // Once the server has caught up, its answer is the baseline again.
  server.rooms = [room("a", 14, 3)];
  await directory.refresh();
  assert.equal(unread("a"), 3);
  assert.deepEqual(directory.roomIds(), ["a"]);
});

test("subscribers hear list changes, including writes made before any fetch, and rename/remove/upsert", async () => {
  const { directory } = setup([room("a", 1, 0), room("b", 1, 0)]);
  const seen: string[][] = [];
  const unsubscribe = directory.subscribe(() => seen.push(directory.roomIds()));
  directory.upsert(room("z", 0, 0));
  await directory.refresh();
  directory.rename("a", { name: "Alpha" });
  directory.remove("b");
  directory.noteMessage("a", 1, false); // a replay: no change, no notification
  unsubscribe();
  directory.remove("a");
  assert.deepEqual(seen, [["z"], ["a", "b"], ["a", "b"], ["a"]]);
  assert.equal(directory.rooms().length, 0);
});

test("refreshes while one is in flight end with the latest answer", async () => {
  const { directory, server } = setup([room("a", 1, 0)]);
  const first = directory.refresh();
  server.rooms = [room("a", 1, 0), room("joined", 1, 0)];
  const second = directory.refresh();
  await Promise.all([first, second]);
  assert.deepEqual(directory.roomIds(), ["a", "joined"]);

  // The same once a list is loaded: the running fetch is restarted.
  const third = directory.refresh();
  server.rooms = [room("joined", 1, 0)];
  const fourth = directory.refresh();
  await Promise.all([third, fourth]);
  assert.deepEqual(directory.roomIds(), ["joined"]);
});

test("mentions: counted from live messages that mention the user, replaced by summaries, cleared by reading", async () => {
  const { directory } = setup([{ ...room("a", 10, 1), mentions: 1, notifications: "mentions" }]);
  await directory.refresh();
  const mentions = () => directory.rooms().find((r) => r.id === "a")?.mentions;
  directory.noteMessage("a", 11, false, true);
  directory.noteMessage("a", 12, false, false);
  directory.noteMessage("a", 12, false, true);
  assert.equal(mentions(), 2, "a replayed seq is not counted again");
  directory.noteMessage("a", 13, true, true);
  assert.equal(mentions(), 2, "own messages never count");
  directory.applySummary([{ room: "a", last_seq: 14, unread: 4, mentions: 3 }]);
  assert.equal(mentions(), 3);
  directory.markRead("a", 13);
  assert.equal(mentions(), 1, "never more mentions than unread messages remain");
  directory.markRead("a", 14);
  assert.equal(mentions(), 0);
  directory.setNotifications("a", "none");
  assert.equal(directory.rooms()[0]?.notifications, "none");
});
