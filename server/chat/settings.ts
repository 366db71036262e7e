import type { Database } from "@/db/client";
import { updateRoom } from "@/db/queries/rooms";
import type { PatchRoomBody, RoomDetail } from "@/protocol/rest";
import { publishFrame, type Bus } from "@/server/bus";
import type { z } from "zod";
import { invalid } from "@/server/errors";
import { recordAudit } from "./moderation";
import { assertMay, mayAttempt } from "./permissions";
import { getRoomDetail, loadRoom } from "./rooms";
import { postSystemMessage, roomChangeEvents, type SystemDeps } from "./system-messages";
import type { AiService } from "@/server/ai/service";

/**
 * Changes a room's name, topic, visibility and settings (admins and the owner). Every
 * instance hears `room_updated` at once, and rules read settings from the database per
 * action, so a change takes effect on the next frame everywhere.
 */
export async function updateRoomSettings(
  { db, bus, ai, ...system }: { db: Database; bus: Bus; ai?: Pick<AiService, "settingsChanged"> } & SystemDeps,
  actor: { id: string; username: string },
  roomId: string,
  patch: z.infer<typeof PatchRoomBody>,
): Promise<RoomDetail> {
  const { room, standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "settings"), "only room admins may change settings");
  if (room.visibility === "direct") throw invalid("direct conversations have no settings");
  const { name, topic, visibility, ...settings } = patch;
  if (Object.keys(patch).length === 0) throw invalid("nothing to change");
  const merged = { ...room.settings };
  for (const [key, value] of Object.entries(settings)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const updated = (await updateRoom(db, {
    id: roomId,
    patch: { settings: merged, ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(visibility ? { visibility } : {}) },
  }))!;
  await publishFrame(bus, roomId, {
    type: "room_updated",
    room: roomId,
    settings: updated.settings,
    name: updated.name,
    topic: updated.topic,
    visibility: updated.visibility,
  });
  await recordAudit(db, { roomId, actorId: actor.id, action: "settings", details: patch });
  // The assistant is a member exactly where it is enabled.
  if (ai && "assistant" in settings) await ai.settingsChanged(updated);
  const by = { id: actor.id, username: actor.username };
  for (const line of roomChangeEvents(by, room, updated)) await postSystemMessage({ bus, ...system }, updated, by, line);
  return getRoomDetail({ db, bus }, actor, roomId);
}
