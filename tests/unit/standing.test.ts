import assert from "node:assert/strict";
import { test } from "node:test";
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
import type { Bus, BusEvent, BusListener } from "@/server/bus";
import { SITE_TOPIC } from "@/server/bus";
import { StandingCache } from "@/server/chat/standing";

/** A bus whose events the test hands to the listeners directly. */
function fakeBus() {
  const listeners: BusListener[] = [];
  const resyncs: (() => void)[] = [];
  const bus = { onEvent: (l: BusListener) => listeners.push(l), onResync: (l: () => void) => resyncs.push(l) } as unknown as Bus;
  return {
    bus,
    emit: (event: BusEvent) => listeners.forEach((l) => l(`room:${"room" in event ? event.room : ""}`, event)),
    resync: () => resyncs.forEach((l) => l()),
  };
}

const room = { id: "r1", lastSeq: 3, settings: {}, visibility: "public" } as unknown as RoomRow;
const member = (userId: string, role = "member") => ({ roomId: "r1", userId, role, mutedUntil: null, muteReason: null }) as unknown as MembershipRow;
const user = { id: "u1", username: "u1" };

function setup() {
  const { bus, emit, resync } = fakeBus();
  let epoch: object | undefined = {};
  const cache = new StandingCache(bus, { epoch: () => epoch });
  const fill = () => {
    const { token } = cache.room("r1");
    cache.put("r1", token, room, member("u1"));
  };
  return { cache, emit, resync, fill, setEpoch: (e: object | undefined) => (epoch = e) };
}

test("a filled room answers from memory until an event about it arrives", () => {
  const { cache, emit, fill } = setup();
  fill();
  assert.equal(cache.room("r1").row?.lastSeq, 3);
  assert.equal(cache.membership("r1", "u1")?.role, "member");
  emit({ type: "frame", room: "r1", frame: { type: "member", room: "r1", user, event: "muted", until: new Date().toISOString(), reason: null } });
  assert.equal(cache.membership("r1", "u1"), undefined, "a member event drops that membership");
  assert.ok(cache.room("r1").row, "the room row is unaffected");
  emit({ type: "frame", room: "r1", frame: { type: "room_updated", room: "r1", settings: { slow_mode_s: 5 } } });
  assert.equal(cache.room("r1").row, undefined, "room_updated drops the row");
  fill();
  emit({ type: "evict", room: "r1", user: "u1", reason: "banned" });
  assert.equal(cache.membership("r1", "u1"), undefined);
});

test("messages move the cached last_seq, also when they arrive while a read is in flight", () => {
  const { cache, emit } = setup();
  const { token } = cache.room("r1");
  emit({ type: "message", room: "r1", message: { id: "m", room: "r1", seq: 7, sender: "u2", kind: "text", content: "x", client_id: "c", created_at: "" } });
  cache.put("r1", token, room, member("u1"));
  assert.equal(cache.room("r1").row?.lastSeq, 7);
});

test("a read that raced an invalidation is not stored", () => {
  const { cache, emit } = setup();
  const { token } = cache.room("r1");
  emit({ type: "frame", room: "r1", frame: { type: "member", room: "r1", user, event: "role", role: "moderator", reason: null } });
  cache.put("r1", token, room, member("u1"));
  assert.equal(cache.membership("r1", "u1"), undefined);
  assert.equal(cache.room("r1").row, undefined);
});

test("nothing is cached for unsubscribed rooms, and a new subscription starts empty", () => {
  const { cache, fill, setEpoch } = setup();
  setEpoch(undefined);
  fill();
  assert.equal(cache.room("r1").row, undefined);
  setEpoch({});
  fill();
  assert.ok(cache.room("r1").row);
  setEpoch({});
  assert.equal(cache.room("r1").row, undefined, "events may have been missed between the two subscriptions");
});

test("a bus resync drops everything", () => {
  const { cache, fill, resync } = setup();
  fill();
  resync();
  assert.equal(cache.room("r1").row, undefined);
  assert.equal(cache.membership("r1", "u1"), undefined);
});

test("a site-admin flag is dropped by a grant or revocation on the site topic, and a read that raced one is not stored", () => {
  const listeners: BusListener[] = [];
  const resyncs: (() => void)[] = [];
  const bus = { onEvent: (l: BusListener) => listeners.push(l), onResync: (l: () => void) => resyncs.push(l) } as unknown as Bus;
  const cache = new StandingCache(bus, { epoch: () => ({}) });
  const revoke = (userId: string) => listeners.forEach((l) => l(SITE_TOPIC, { type: "user_revoked", user: userId, close: false }));
  cache.putSiteAdmin("u1", true, cache.siteAdminToken());
  cache.putSiteAdmin("u2", false, cache.siteAdminToken());
  assert.equal(cache.siteAdmin("u1"), true);
  revoke("u1");
  assert.equal(cache.siteAdmin("u1"), undefined, "the revoked user's flag is read again");
  assert.equal(cache.siteAdmin("u2"), false, "other users keep theirs");
  // A user-row read that began before the revocation carries the old flag.
  const token = cache.siteAdminToken();
  revoke("u1");
  cache.putSiteAdmin("u1", true, token);
  assert.equal(cache.siteAdmin("u1"), undefined);
  cache.putSiteAdmin("u1", false, cache.siteAdminToken());
  assert.equal(cache.siteAdmin("u1"), false);
  resyncs.forEach((l) => l());
  assert.equal(cache.siteAdmin("u1"), undefined, "a resync forgets every flag");
  assert.equal(cache.siteAdmin("u2"), undefined);
  cache.close();
});

test("a join's read caches the joiner's membership, reads it only when missing, and drops it when an event raced the read", async () => {
  const { cache, emit, setEpoch } = setup();
  let membershipReads = 0;
  const read = (during?: () => void) => ({
    room: async () => room,
    membership: async () => {
      membershipReads++;
      during?.();
      return member("u1");
    },
  });

  assert.equal((await cache.readForJoin("r1", "u1", read()))?.id, "r1");
  assert.equal(membershipReads, 1);
  assert.equal(cache.membership("r1", "u1")?.role, "member", "cached for the joiner's first send");

  await cache.readForJoin("r1", "u1", read());
  assert.equal(membershipReads, 1, "a cached membership is not read again");

  emit({ type: "frame", room: "r1", frame: { type: "member", room: "r1", user, event: "role", role: "moderator", reason: null } });
  const racing = () => emit({ type: "frame", room: "r1", frame: { type: "member", room: "r1", user, event: "role", role: "admin", reason: null } });
  await cache.readForJoin("r1", "u1", read(racing));
  assert.equal(membershipReads, 2);
  assert.equal(cache.membership("r1", "u1"), undefined, "what was read before the event is stale");

  setEpoch(undefined);
  assert.equal((await cache.readForJoin("r1", "u1", read()))?.id, "r1", "an unfollowed room is still read");
  assert.equal(membershipReads, 2, "but its membership is not, since nothing would keep it fresh");
});
