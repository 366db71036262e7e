import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import {
  countMembers,
  countRoomsCreatedBy,
  getMembership,
  getRoomById,
  insertMember,
  insertRoom,
  listMembers,
  listMembersPage,
  listPublicRooms,
  listRoomsOfUser,
  removeMember,
  type RoomRow,
} from "@/db/queries/rooms";
import type { MembersPage, RoomDetail, RoomSummary } from "@/protocol/rest";
import type { PresenceStore } from "@/server/presence";
import { mergeStatuses } from "@/server/presence/status";
import type { Config } from "@/server/config";
import type { Limits } from "@/server/limits";
import { publishFrame, publishToUser, roomTopic, type Bus } from "@/server/bus";
import { AppError, bannedFromRoom, notFound } from "@/server/errors";
import { isBanned } from "@/db/queries/moderation";
import { hasBlocked } from "@/db/queries/blocks";
import { getUserById } from "@/db/queries/users";
import type { ActivityRecorder } from "./activity";
import { assertCanRead, canJoin, type Standing } from "./permissions";
import { assertRoomNameFree, nameConflict } from "./room-names";
import { standingCache } from "./standing";
import { postSystemMessage, type SystemDeps } from "./system-messages";
import type { AiService } from "@/server/ai/service";

type Deps = { db: Database; bus: Bus };
type Actor = { id: string; username: string };

/**
 * Creates a room owned by the actor. Charged against the per-user creation rate first, then
 * capped per user inside the transaction: the creator's user row is locked, so concurrent
 * requests of one user cannot both pass the count.
 */
export async function createRoom(
  { db, bus, limits, config, ai }: Deps & { limits: Limits; config: Pick<Config, "MAX_ROOMS_PER_USER">; ai?: Pick<AiService, "ensureMember" | "bot"> },
  actor: Actor,
  input: { name: string; visibility: "public" | "private"; topic?: string },
): Promise<RoomDetail> {
  await limits.consume("room", actor.id);
  const room = await db.transaction(async (tx) => {
    if ((await countRoomsCreatedBy(tx, { userId: actor.id, lock: true })) >= config.MAX_ROOMS_PER_USER) {
      throw new AppError("FORBIDDEN", `you have created the most rooms allowed (${config.MAX_ROOMS_PER_USER})`);
    }
    await assertRoomNameFree(tx, { name: input.name, visibility: input.visibility, createdBy: actor.id });
    const row = await insertRoom(tx, { id: randomUUID(), name: input.name, topic: input.topic ?? "", visibility: input.visibility, createdBy: actor.id });
    // A concurrent create of the same name won the unique index.
    if (!row) throw nameConflict(input.visibility);
    await insertMember(tx, { roomId: row.id, userId: actor.id, role: "owner" });
    return row;
  });
  await announceRoomAdded(bus, actor.id, room);
  const members: RoomDetail["members"] = [{ id: actor.id, username: actor.username, role: "owner" }];
  // The assistant (server/ai) is a member of every room where it is enabled, from the start.
  if (ai) {
    await ai.ensureMember(room);
    members.push({ id: ai.bot.id, username: ai.bot.username, role: "member" });
  }
  return { ...summary(room), role: "owner", settings: room.settings, members, created_at: room.createdAt.toISOString() };
}

export async function listRooms({ db }: Deps, actor: Actor, { scope, q }: { scope?: "mine" | "public"; q?: string }) {
  if (scope === "public") {
    const rows = await listPublicRooms(db, { userId: actor.id, q });
    return rows.map((r): RoomSummary => ({ ...summary(r), joined: r.joined, member_count: r.memberCount }));
  }
  const mine = await listRoomsOfUser(db, { userId: actor.id, q });
  const rooms: RoomSummary[] = mine.map((r) => ({ ...summary(r), role: r.role, unread: r.unread, read_seq: r.readSeq, mentions: r.mentions, notifications: r.notifications }));
  if (scope === "mine" || !q) return rooms;
  // A search without scope also finds public rooms the user has not joined yet.
  const known = new Set(rooms.map((r) => r.id));
  const extra = await listPublicRooms(db, { userId: actor.id, q });
  return rooms.concat(extra.filter((r) => !known.has(r.id)).map((r) => ({ ...summary(r), joined: false, member_count: r.memberCount })));
}

export async function getRoomDetail({ db }: Deps, actor: Actor, roomId: string): Promise<RoomDetail> {
  const { room, membership, banned, standing } = await loadRoom(db, roomId, actor.id);
  // Site admins administer every room, so they see the detail of the rooms they manage.
  if (!standing.siteAdmin || banned) assertCanRead(room, membership, banned);
  const members = await listMembers(db, { roomId });
  const dmBlocked = await directBlock(db, room.dmKey, actor.id);
  return {
    ...summary(room),
    ...(membership ? { role: membership.role } : {}),
    ...(dmBlocked ? { dm_blocked: dmBlocked } : {}),
    settings: room.settings,
    members: members.map((m) => ({
      id: m.id,
      username: m.username,
      // Only when set: readers that compare member objects see no new key for most users.
      ...(m.displayName ? { display_name: m.displayName } : {}),
      role: m.role,
      muted_until: m.mutedUntil && m.mutedUntil > new Date() ? m.mutedUntil.toISOString() : null,
      muted_reason: m.mutedUntil && m.mutedUntil > new Date() ? m.muteReason : null,
    })),
    created_at: room.createdAt.toISOString(),
  };
}

/**
 * In a 1:1 conversation, who closed it with a block (the viewer first), so the composer can say
 * why it is disabled instead of the send failing; null elsewhere or when nobody blocked.
 */
async function directBlock(db: Database, dmKey: string | null, actorId: string): Promise<"by_me" | "by_them" | null> {
  const participants = dmKey?.split(":") ?? [];
  const other = participants.length === 2 && participants.includes(actorId) ? participants.find((id) => id !== actorId) : undefined;
  if (!other) return null;
  if (await hasBlocked(db, { blockerId: actorId, blockedId: other })) return "by_me";
  if (await hasBlocked(db, { blockerId: other, blockedId: actorId })) return "by_them";
  return null;
}

/** A page of the room's members with their presence, for rooms too big for `joined` to list whole. */
export async function getMembersPage(
  { db, presence }: Deps & { presence: PresenceStore },
  actor: Actor,
  roomId: string,
  page: { after?: string; limit: number; q?: string },
): Promise<MembersPage> {
  const { room, membership, banned, standing } = await loadRoom(db, roomId, actor.id);
  if (!standing.siteAdmin || banned) assertCanRead(room, membership, banned);
  const [rows, total] = await Promise.all([listMembersPage(db, { roomId, ...page, limit: page.limit + 1 }), countMembers(db, { roomId })]);
  const more = rows.length > page.limit;
  if (more) rows.splice(page.limit);
  const live = await presence.get(rows.map((m) => m.id));
  const now = new Date();
  return {
    members: rows.map((m) => ({
      id: m.id,
      username: m.username,
      ...(m.displayName ? { display_name: m.displayName } : {}),
      role: m.role,
      muted_until: m.mutedUntil && m.mutedUntil > now ? m.mutedUntil.toISOString() : null,
      status: mergeStatuses(live.get(m.id) ?? []) ?? "offline",
      last_seen: m.lastSeenAt?.toISOString() ?? null,
    })),
    next: more ? rows[rows.length - 1]!.username : null,
    total,
  };
}

/**
 * Makes the actor a member if the room admits them (public rooms), and announces a new
 * member to the room. Returns the room and membership for the caller's next step.
 */
export async function joinRoom({ db, bus, activity, ...system }: Deps & SystemDeps & { activity: ActivityRecorder }, actor: Actor, roomId: string) {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id);
  if (banned) throw bannedFromRoom();
  if (!canJoin(room, membership)) throw new AppError("FORBIDDEN", "this room is private; you need an invitation");
  if (membership) return { room, membership, added: false };
  await assertRoomHasSpace(db, room);
  const added = await insertMember(db, { roomId, userId: actor.id, role: "member" });
  const joined = (await getMembership(db, { roomId, userId: actor.id }))!;
  if (added) {
    const displayName = (await getUserById(db, { id: actor.id }))?.displayName ?? null;
    await publishFrame(bus, roomId, { type: "member", room: roomId, user: { id: actor.id, username: actor.username, ...(displayName ? { display_name: displayName } : {}) }, event: "joined" });
    const seq = await postSystemMessage({ bus, ...system }, room, actor, { event: "joined", target: { id: actor.id, username: actor.username } });
    await announceRoomAdded(bus, actor.id, room);
    activity.record("join", { userId: actor.id, roomId });
    // The joiner's socket subscribes from the room's seq next: counting its own join line, or
    // the line would look missing there, be fetched again and reach the room's listeners twice.
    if (seq !== undefined && seq > room.lastSeq) return { room: { ...room, lastSeq: seq }, membership: joined, added };
  }
  return { room, membership: joined, added };
}

/** Tells all of a user's sockets (other tabs, other devices) about a room they now belong to. */
export async function announceRoomAdded(bus: Bus, userId: string, room: Pick<RoomRow, "id" | "name" | "topic" | "visibility">) {
  await publishToUser(bus, userId, { type: "room_added", room: { id: room.id, name: room.name, topic: room.topic, visibility: room.visibility } });
}

/** Refuses a new member when the room's member limit is reached. */
export async function assertRoomHasSpace(db: Database, room: RoomRow): Promise<void> {
  const limit = room.settings.member_limit;
  if (typeof limit !== "number") return;
  if ((await countMembers(db, { roomId: room.id })) >= limit) throw new AppError("FORBIDDEN", `this room is full (${limit} members)`);
}

/**
 * The room and where the user stands in it: membership, ban, site-admin standing. Rooms this
 * instance is subscribed to are answered from the standing cache (kept fresh by the room's
 * bus events); everything else reads the database.
 */
export async function loadRoom(db: Database, roomId: string, userId: string) {
  const cache = standingCache();
  const cached = cache?.room(roomId);
  const room = cached?.row ?? (await getRoomById(db, { id: roomId }));
  if (!room) throw notFound("room");
  const membership = cache?.membership(roomId, userId) ?? (await getMembership(db, { roomId, userId }));
  if (cache && cached?.token !== undefined) cache.put(roomId, cached.token, room, membership);
  const banned = membership ? false : await isBanned(db, { roomId, userId });
  const standing: Standing = { id: userId, role: membership?.role ?? null, siteAdmin: await isSiteAdmin(db, userId), banned };
  return { room, membership, banned, standing };
}

async function isSiteAdmin(db: Database, userId: string): Promise<boolean> {
  const cache = standingCache();
  const cached = cache?.siteAdmin(userId);
  if (cached !== undefined) return cached;
  const token = cache?.siteAdminToken();
  const siteAdmin = (await getUserById(db, { id: userId }))?.siteAdmin ?? false;
  cache?.putSiteAdmin(userId, siteAdmin, token);
  return siteAdmin;
}

const summary = (r: Pick<RoomRow, "id" | "name" | "topic" | "visibility" | "lastSeq">): RoomSummary => ({
  id: r.id,
  name: r.name,
  topic: r.topic,
  visibility: r.visibility,
  last_seq: r.lastSeq,
});

/** Gives up membership of a room; the owner cannot leave (ownership transfer comes with moderation). */
export async function leaveRoom({ db, bus, ...system }: Deps & SystemDeps, actor: Actor, roomId: string): Promise<void> {
  const { room, membership } = await loadRoom(db, roomId, actor.id);
  if (!membership) return;
  if (membership.role === "owner") throw new AppError("FORBIDDEN", "the owner cannot leave the room");
  if (await removeMember(db, { roomId, userId: actor.id })) {
    await publishFrame(bus, roomId, { type: "member", room: roomId, user: { id: actor.id, username: actor.username }, event: "left" });
    // Sockets still joined would otherwise keep receiving a room the user gave up.
    await bus.publish(roomTopic(roomId), { type: "evict", room: roomId, user: actor.id, reason: "left" });
    await postSystemMessage({ bus, ...system }, room, actor, { event: "left", target: { id: actor.id, username: actor.username } });
  }
}
