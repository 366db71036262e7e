import type { Database } from "@/db/client";
import { publishTyping, type Bus } from "@/server/bus";
import { AppError } from "@/server/errors";
import { assertNotMuted, typingEnabled } from "./permissions";
import { loadRoom } from "./rooms";

/** Announces that the actor started or stopped typing; each instance aggregates and expires it. */
export async function setTyping(
  { db, bus }: { db: Database; bus: Bus },
  actor: { id: string; username: string },
  { roomId, state }: { roomId: string; state: "start" | "stop" },
): Promise<void> {
  const { room, membership } = await loadRoom(db, roomId, actor.id);
  if (!membership) throw new AppError("FORBIDDEN", "join the room first");
  if (!typingEnabled(room)) throw new AppError("FORBIDDEN", "typing indicators are turned off in this room");
  // Stopping shows nothing, so a member muted mid-sentence may still clear their indicator.
  if (state === "start") assertNotMuted(membership);
  await publishTyping(bus, roomId, actor, state);
}
