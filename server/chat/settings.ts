import type { Database } from "@/db/client";
import { updateRoom } from "@/db/queries/rooms";
import type { PatchRoomBody, RoomDetail } from "@/protocol/rest";
import { publishFrame, type Bus } from "@/server/bus";
import type { z } from "zod";
import { invalid } from "@/server/errors";
import { effectiveSetting, settingChanged } from "@/protocol/room-settings";
import type { ActivityRecorder } from "./activity";
import { recordAudit } from "./moderation";
import { assertRoomNameFree, isRoomNameViolation, nameConflict } from "./room-names";
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
  { db, bus, ai, activity, ...system }: { db: Database; bus: Bus; ai?: Pick<AiService, "settingsChanged">; activity: ActivityRecorder } & SystemDeps,
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
  const nextName = name ?? room.name;
  const nextVisibility = visibility ?? room.visibility;
  if (nextName.toLowerCase() !== room.name.toLowerCase() || nextVisibility !== room.visibility) {
    await assertRoomNameFree(db, { name: nextName, visibility: nextVisibility, createdBy: room.createdBy, exceptId: room.id });
  }
  const updated = (await updateRoom(db, {
    id: roomId,
    patch: { settings: merged, ...(name !== undefined ? { name } : {}), ...(topic !== undefined ? { topic } : {}), ...(visibility ? { visibility } : {}) },
  }).catch((err: unknown) => {
    // A concurrent rename to the same name won the unique index.
    throw isRoomNameViolation(err) ? nameConflict(nextVisibility) : err;
  }))!;
  await publishFrame(bus, roomId, {
    type: "room_updated",
    room: roomId,
    settings: updated.settings,
    name: updated.name,
    topic: updated.topic,
    visibility: updated.visibility,
  });
  // The patch as sent, and each field that really changed with its value before and after, so
  // the log says what changed. Settings compare (and are logged) in effect: saving a default
  // that was unset (the settings form sends every field) changes nothing and logs nothing.
  const isColumn = (key: string): key is "name" | "topic" | "visibility" => key === "name" || key === "topic" || key === "visibility";
  const changes = Object.keys(patch).flatMap((field) => {
    if (isColumn(field)) return room[field] === updated[field] ? [] : [{ field, from: room[field] ?? null, to: updated[field] ?? null }];
    if (!settingChanged(room.settings, updated.settings, field)) return [];
    return [{ field, from: effectiveSetting(room.settings, field), to: effectiveSetting(updated.settings, field) }];
  });
  if (changes.length > 0) await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "settings", details: { ...patch, changes } });
  // The assistant is a member exactly where it is enabled.
  if (ai && "assistant" in settings) await ai.settingsChanged(updated);
  const by = { id: actor.id, username: actor.username };
  for (const line of roomChangeEvents(by, room, updated)) await postSystemMessage({ bus, ...system }, updated, by, line);
  return getRoomDetail({ db, bus }, actor, roomId);
}
