/**
 * Site administration of rooms: list with member and message counts, archive (read-only) and
 * unarchive, delete. Archiving is a room setting (`archived_at`), so it travels in
 * `room_updated` like every other setting and reaches each instance's standing cache at once.
 */
import type { Database } from "@/db/client";
import { deleteRoomRow, listRoomsPage } from "@/db/queries/site-admin";
import { getRoomById, listMembers, updateRoom } from "@/db/queries/rooms";
import { publishFrame, roomTopic, type Bus } from "@/server/bus";
import { notFound } from "@/server/errors";
import { assertSiteAdmin, auditSite } from "./authorize";
import type { AdminRoom } from "@/protocol/rest";


type Deps = { db: Database; bus: Bus };
type Actor = { id: string };


const archivedAt = (settings: Record<string, unknown>) => (typeof settings.archived_at === "string" ? settings.archived_at : null);

export async function listRoomsForAdmin({ db }: Pick<Deps, "db">, actor: Actor, { q, page, limit }: { q?: string; page: number; limit: number }) {
  await assertSiteAdmin(db, actor);
  const { rows, total } = await listRoomsPage(db, { q, offset: (page - 1) * limit, limit });
  const rooms: AdminRoom[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    visibility: r.visibility,
    members: r.members,
    messages: r.messages,
    archived_at: archivedAt(r.settings),
    created_at: r.createdAt.toISOString(),
  }));
  return { rooms, page, limit, total };
}

export async function setRoomArchived({ db, bus }: Deps, actor: Actor, { roomId, archived }: { roomId: string; archived: boolean }) {
  await assertSiteAdmin(db, actor);
  const room = await getRoomById(db, { id: roomId });
  if (!room) throw notFound("room");
  const settings = { ...room.settings };
  if (archived) settings.archived_at = archivedAt(room.settings) ?? new Date().toISOString();
  else delete settings.archived_at;
  const updated = await db.transaction(async (tx) => {
    const row = (await updateRoom(tx, { id: roomId, patch: { settings } }))!;
    await auditSite(tx, actor, archived ? "room_archive" : "room_unarchive", { type: "room", id: room.id, name: room.name });
    return row;
  });
  await publishFrame(bus, roomId, { type: "room_updated", room: roomId, settings: updated.settings, name: updated.name, topic: updated.topic, visibility: updated.visibility });
  return { id: room.id, name: room.name, archived_at: archivedAt(updated.settings) };
}

/** Deletes a room with its history; its members' sockets leave it on every instance. */
export async function deleteRoomByAdmin({ db, bus }: Deps, actor: Actor, { roomId }: { roomId: string }) {
  await assertSiteAdmin(db, actor);
  const room = await getRoomById(db, { id: roomId });
  if (!room) throw notFound("room");
  const members = await listMembers(db, { roomId });
  await db.transaction(async (tx) => {
    await deleteRoomRow(tx, { id: roomId });
    await auditSite(tx, actor, "room_delete", { type: "room", id: room.id, name: room.name }, { members: members.length });
  });
  for (const m of members) {
    await publishFrame(bus, roomId, { type: "member", room: roomId, user: { id: m.id, username: m.username }, event: "kicked", reason: "the room was deleted" });
    await bus.publish(roomTopic(roomId), { type: "evict", room: roomId, user: m.id, reason: "kicked" });
  }
  return { id: room.id, name: room.name, deleted: true };
}
