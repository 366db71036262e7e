import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { blockedEitherWay, deleteBlock, insertBlock, listBlocked } from "@/db/queries/blocks";
import { getRoomByDmKey, insertMember, insertRoom } from "@/db/queries/rooms";
import { getUserById, getUsersByIds } from "@/db/queries/users";
import type { RoomDetail } from "@/protocol/rest";
import { userTopic, type Bus } from "@/server/bus";
import { AppError, invalid, notFound } from "@/server/errors";
import { announceRoomAdded, getRoomDetail } from "./rooms";

type Deps = { db: Database; bus: Bus };
type Actor = { id: string; username: string };

/**
 * The one direct room of a set of people, keyed by their sorted ids: two for a 1:1
 * conversation, up to nine for a group, so the same people always find the same room.
 */
const dmKeyOf = (...ids: string[]) => [...new Set(ids.map((id) => id.toLowerCase()))].sort().join(":");

/** The participants of a direct room (from its key). */
export const dmParticipants = (dmKey: string | null | undefined): string[] => (dmKey ? dmKey.split(":") : []);

/** Opens (creating once) the direct conversation with `otherId`; refused when either blocked the other. */
export async function openDirectRoom(deps: Deps, actor: Actor, otherId: string): Promise<RoomDetail> {
  const { db } = deps;
  if (otherId === actor.id) throw invalid("user: you cannot message yourself", "user");
  const other = await getUserById(db, { id: otherId });
  if (!other) throw notFound("user");
  if (await blockedEitherWay(db, { a: actor.id, b: other.id })) throw new AppError("FORBIDDEN", "you cannot message this user");
  const dmKey = dmKeyOf(actor.id, other.id);
  let room = await getRoomByDmKey(db, { dmKey });
  if (!room) {
    room = await db.transaction(async (tx) => {
      const created = await insertRoom(tx, { id: randomUUID(), name: `${actor.username}, ${other.username}`, topic: "", visibility: "direct", createdBy: actor.id, dmKey });
      if (!created) return null;
      await insertMember(tx, { roomId: created.id, userId: actor.id, role: "member" });
      await insertMember(tx, { roomId: created.id, userId: other.id, role: "member" });
      return created;
    });
    if (room) await Promise.all([announceRoomAdded(deps.bus, actor.id, room), announceRoomAdded(deps.bus, other.id, room)]);
    // Both opened it at the same moment: the other transaction's room is the one.
    room ??= await getRoomByDmKey(db, { dmKey });
  }
  return getRoomDetail(deps, actor, room!.id);
}

/**
 * Opens (creating once) the direct conversation of the actor and `otherIds` (1–8 others, any
 * order; one other is the 1:1 room of openDirectRoom). Blocking applies per pair: the actor
 * cannot open a conversation with someone they blocked or who blocked them, while blocks
 * between two of the others stay theirs (each masks the other's messages, as in any room) and
 * are not revealed to the actor.
 */
export async function openGroupDirectRoom(deps: Deps, actor: Actor, otherIds: string[]): Promise<RoomDetail> {
  const { db } = deps;
  const others = [...new Set(otherIds.map((id) => id.toLowerCase()))];
  if (others.includes(actor.id)) throw invalid("users: do not list yourself", "users");
  if (others.length === 1) return openDirectRoom(deps, actor, others[0]!);
  const people = await getUsersByIds(db, { ids: others });
  if (people.length !== others.length) throw notFound("user");
  for (const other of people) {
    if (await blockedEitherWay(db, { a: actor.id, b: other.id })) throw new AppError("FORBIDDEN", "you cannot message one of these users");
  }
  const dmKey = dmKeyOf(actor.id, ...others);
  let room = await getRoomByDmKey(db, { dmKey });
  if (!room) {
    const name = [actor.username, ...people.map((p) => p.username).sort((a, b) => a.localeCompare(b))].join(", ");
    room = await db.transaction(async (tx) => {
      const created = await insertRoom(tx, { id: randomUUID(), name, topic: "", visibility: "direct", createdBy: actor.id, dmKey });
      if (!created) return null;
      for (const id of [actor.id, ...others]) await insertMember(tx, { roomId: created.id, userId: id, role: "member" });
      return created;
    });
    if (room) await Promise.all([actor.id, ...others].map((id) => announceRoomAdded(deps.bus, id, room!)));
    // Opened by two of them at once: the other transaction's room is the one.
    room ??= await getRoomByDmKey(db, { dmKey });
  }
  return getRoomDetail(deps, actor, room!.id);
}

export async function blockUser({ db, bus }: Deps, actor: Actor, targetId: string): Promise<void> {
  if (targetId === actor.id) throw invalid("user: you cannot block yourself", "user");
  if (!(await getUserById(db, { id: targetId }))) throw notFound("user");
  await insertBlock(db, { blockerId: actor.id, blockedId: targetId });
  await announceBlocks({ db, bus }, actor.id);
}

export async function unblockUser({ db, bus }: Deps, actor: Actor, targetId: string): Promise<void> {
  await deleteBlock(db, { blockerId: actor.id, blockedId: targetId });
  await announceBlocks({ db, bus }, actor.id);
}

export async function getBlocks({ db }: Pick<Deps, "db">, actor: Actor) {
  return (await listBlocked(db, { blockerId: actor.id })).map((b) => ({ id: b.id, username: b.username, at: b.createdAt.toISOString() }));
}

/** The blocker's open sockets, on every instance, start masking at once. */
async function announceBlocks({ db, bus }: Deps, userId: string) {
  const blocked = (await listBlocked(db, { blockerId: userId })).map((b) => b.id);
  await bus.publish(userTopic(userId), { type: "blocks", user: userId, blocked });
}
