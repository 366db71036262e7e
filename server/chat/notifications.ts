import type { Database } from "@/db/client";
import { setNotifyLevel } from "@/db/queries/mentions";
import type { NotificationLevel } from "@/protocol/rest";
import { AppError } from "@/server/errors";
import { loadRoom } from "./rooms";

/**
 * Sets the actor's own notification level for a room. There is no target user: a member
 * changes only their own membership, and someone who is not a member has nothing to set.
 */
export async function setNotificationLevel(
  { db }: { db: Database },
  actor: { id: string },
  roomId: string,
  level: NotificationLevel,
): Promise<{ room: string; level: NotificationLevel }> {
  const { membership } = await loadRoom(db, roomId, actor.id);
  if (!membership) throw new AppError("FORBIDDEN", "join the room to choose its notifications");
  if (!(await setNotifyLevel(db, { roomId, userId: actor.id, level }))) throw new AppError("FORBIDDEN", "join the room to choose its notifications");
  return { room: roomId, level };
}
