import type { Database } from "@/db/client";
import { getRoomById } from "@/db/queries/rooms";
import { advanceDeliveredCursor, advanceReadCursor } from "@/db/queries/cursors";
import { publishFrame, type Bus } from "@/server/bus";
import { AppError, invalid } from "@/server/errors";
import { loadRoom } from "./rooms";

type Deps = { db: Database; bus: Bus };
type Actor = { id: string };

async function checkCursor(db: Database, actor: Actor, roomId: string, seq: number) {
  const { room, membership } = await loadRoom(db, roomId, actor.id);
  if (!membership) throw new AppError("FORBIDDEN", "only members have read receipts");
  if (seq <= room.lastSeq) return;
  // The cached row can trail a message that reached the client by another path (a catch-up
  // from the database): ask the database before refusing.
  const lastSeq = (await getRoomById(db, { id: roomId }))?.lastSeq ?? 0;
  if (seq > lastSeq) throw invalid(`seq: beyond the room's latest message (${lastSeq})`, "seq");
}

/**
 * Moves the member's read cursor forward (never back) and tells the room. Reading implies
 * delivery, so the delivered cursor follows.
 */
export async function markRead({ db, bus }: Deps, actor: Actor, { roomId, seq }: { roomId: string; seq: number }) {
  await checkCursor(db, actor, roomId, seq);
  const moved = await advanceReadCursor(db, { roomId, userId: actor.id, seq });
  if (moved) {
    await publishFrame(bus, roomId, { type: "receipt", room: roomId, user: actor.id, seq: moved.seq, status: "seen", at: moved.at.toISOString() });
  }
  return moved;
}

export async function markDelivered({ db, bus }: Deps, actor: Actor, { roomId, seq }: { roomId: string; seq: number }) {
  await checkCursor(db, actor, roomId, seq);
  const moved = await advanceDeliveredCursor(db, { roomId, userId: actor.id, seq });
  if (moved !== null) {
    await publishFrame(bus, roomId, { type: "receipt", room: roomId, user: actor.id, seq: moved, status: "delivered", at: new Date().toISOString() });
  }
  return moved;
}
