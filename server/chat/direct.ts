import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { blockedEitherWay, deleteBlock, insertBlock, listBlocked } from "@/db/queries/blocks";
import { getRoomByDmKey, insertMember, insertRoom } from "@/db/queries/rooms";
import { getUserById } from "@/db/queries/users";
import type { RoomDetail } from "@/protocol/rest";
import { userTopic, type Bus } from "@/server/bus";
import { AppError, invalid, notFound } from "@/server/errors";
import { announceRoomAdded, getRoomDetail } from "./rooms";

type Deps = { db: Database; bus: Bus };
type Actor = { id: string; username: string };

/** The one direct room of two users, keyed by their sorted ids. */
const dmKeyOf = (a: string, b: string) => [a, b].sort().join(":");

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
