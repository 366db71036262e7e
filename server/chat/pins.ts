/**
 * Pinned messages: moderators and above pin a room's messages to its header. Every pin and
 * unpin is audited and announced to the room on the bus (`pinned`), so every instance's
 * sockets see it.
 */
import type { Database } from "@/db/client";
import { getMessageById } from "@/db/queries/messages";
import { countPins, deletePin, insertPin, listPins } from "@/db/queries/pins";
import type { Pin } from "@/protocol/rest";
import { publishFrame, type Bus } from "@/server/bus";
import { AppError } from "@/server/errors";
import { forViewer } from "./messages";
import type { ActivityRecorder } from "./activity";
import { recordAudit } from "./moderation";
import { assertCanRead, assertMay, assertNotArchived, mayAttempt } from "./permissions";
import { loadRoom } from "./rooms";
import { isVisibleInRoom } from "./wire";

type Deps = { db: Database; bus: Bus; activity: ActivityRecorder };
type Actor = { id: string; username: string };

/** A header list, not a second history. */
export const MAX_PINS_PER_ROOM = 50;

async function loadForPinning(db: Database, actor: Actor, roomId: string, messageId: string) {
  const { room, standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "pin"), "only moderators and above may pin messages");
  assertNotArchived(room);
  const row = await getMessageById(db, { id: messageId });
  // Another room's message is not found here, whoever asks.
  if (!isVisibleInRoom(row, room.id, actor.id) || row.deletedAt) throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
  return row;
}

export async function pinMessage({ db, bus, activity }: Deps, actor: Actor, roomId: string, messageId: string): Promise<Pin> {
  const row = await loadForPinning(db, actor, roomId, messageId);
  // The pinned list is shown to the whole room: a private message would leak to it.
  if (row.recipientId) throw new AppError("INVALID", "message: private messages cannot be pinned", { field: "message" });
  if ((await countPins(db, { roomId })) >= MAX_PINS_PER_ROOM) throw new AppError("FORBIDDEN", `a room can have at most ${MAX_PINS_PER_ROOM} pinned messages`);
  const pinnedAt = await insertPin(db, { roomId, messageId, pinnedBy: actor.id });
  if (pinnedAt) {
    await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "pin", targetId: row.senderId, details: { message: row.id, seq: row.seq } });
    await publishFrame(bus, roomId, { type: "pinned", room: roomId, message: row.id, pinned: true, by: actor.id, at: pinnedAt.toISOString() });
  }
  const pin = (await getPins({ db }, actor, roomId)).find((p) => p.message.id === row.id);
  // Unpinned again between the insert and this read: report what was done.
  return pin ?? { message: (await forViewer(db, actor.id, [row]))[0]!, pinned_by: { id: actor.id, username: actor.username }, pinned_at: (pinnedAt ?? new Date()).toISOString() };
}

export async function unpinMessage({ db, bus, activity }: Deps, actor: Actor, roomId: string, messageId: string): Promise<void> {
  const { room, standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "pin"), "only moderators and above may unpin messages");
  assertNotArchived(room);
  const row = await getMessageById(db, { id: messageId });
  if (!isVisibleInRoom(row, room.id, actor.id) || !(await deletePin(db, { roomId, messageId }))) {
    throw new AppError("NOT_FOUND", "message: not pinned in this room", { field: "message" });
  }
  await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "unpin", targetId: row.senderId, details: { message: row.id, seq: row.seq } });
  await publishFrame(bus, roomId, { type: "pinned", room: roomId, message: row.id, pinned: false, by: actor.id, at: new Date().toISOString() });
}

/** What the room has pinned, for anyone who may read the room; blocked senders masked as in history. */
export async function getPins({ db }: Pick<Deps, "db">, actor: Actor, roomId: string): Promise<Pin[]> {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id);
  assertCanRead(room, membership, banned);
  const rows = await listPins(db, { roomId, viewerId: actor.id });
  const wire = await forViewer(db, actor.id, rows);
  return rows.map((row, i) => ({
    message: wire[i]!,
    pinned_by: row.pinnedById ? { id: row.pinnedById, username: row.pinnedByName ?? "deleted user" } : null,
    pinned_at: row.pinnedAt.toISOString(),
  }));
}
