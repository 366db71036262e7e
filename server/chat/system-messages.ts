/**
 * System messages: room events (joins, leaves, moderation, name/topic/visibility/settings
 * changes) written to history as messages of kind `system`, so a room's history tells its story
 * and a client that re-joins with `since` replays them like any message.
 *
 * They take the same path as sends (the room's group commit: one lock, gap-free seq) but skip
 * every check a send makes: the event itself was authorized, and a member who just left or was
 * removed is still the subject of the line. They are written after the event committed; a line
 * that cannot be written is logged and the event stands.
 */
import { randomUUID } from "node:crypto";
import type { SystemMeta } from "@/protocol";
import { settingChanged } from "@/protocol/room-settings";
import { roomTopic, type Bus } from "@/server/bus";
import type { Logger } from "@/server/log";
import type { AppendQueue } from "./append-queue";
import { toWireMessage } from "./wire";

export type SystemDeps = { appends: AppendQueue; bus: Bus; log: Logger };
type Room = { id: string; settings: Record<string, unknown> };
type User = { id: string; username: string };

/** Settings keys as a person reads them in a sentence; unknown keys are shown as they are. */
const SETTING_NAMES: Record<string, string> = {
  retention_days: "retention",
  files_allowed: "file sharing",
  typing_indicators: "typing indicators",
  slow_mode_s: "slow mode",
  member_limit: "member limit",
  guests_can_post: "guest posting",
  system_joins: "join and leave lines",
  room_mentions: "@room mentions",
  assistant: "the assistant",
};

const because = (reason: string | null) => (reason ? `: ${reason}` : "");
const article = (role: string) => (role === "admin" ? "an admin" : `a ${role}`);

/** The one-sentence rendering of an event, stored as the message's content for every client. */
export function describeSystemEvent(meta: SystemMeta): string {
  switch (meta.event) {
    case "joined":
      return `${meta.target.username} joined`;
    case "left":
      return `${meta.target.username} left`;
    case "kicked":
      return `${meta.actor.username} removed ${meta.target.username}${because(meta.reason)}`;
    case "banned":
      return `${meta.actor.username} banned ${meta.target.username}${because(meta.reason)}`;
    case "unbanned":
      return `${meta.actor.username} unbanned ${meta.target.username}${because(meta.reason)}`;
    case "muted":
      return `${meta.actor.username} muted ${meta.target.username}${because(meta.reason)}`;
    case "unmuted":
      return `${meta.actor.username} unmuted ${meta.target.username}${because(meta.reason)}`;
    case "role":
      return `${meta.actor.username} made ${meta.target.username} ${article(meta.role)}${because(meta.reason)}`;
    case "renamed":
      return `${meta.actor.username} renamed the room to “${meta.to}”`;
    case "topic":
      return meta.to ? `${meta.actor.username} changed the topic to “${meta.to}”` : `${meta.actor.username} cleared the topic`;
    case "visibility":
      return `${meta.actor.username} made the room ${meta.to}`;
    case "settings":
      return `${meta.actor.username} changed ${meta.changed.map((key) => SETTING_NAMES[key] ?? key).join(", ")}`;
  }
}

/** Join and leave lines are off in rooms whose `system_joins` setting is false. */
export const recordsJoins = (room: Room) => room.settings.system_joins !== false;

/**
 * Appends one system line to the room and publishes it. Never throws: the event it records has
 * already happened, so a failure is logged and only the line is missing.
 *
 * @param sender whose line it is: the actor, or the member who joined or left.
 * @returns the line's seq, or undefined when none was stored.
 */
export async function postSystemMessage({ appends, bus, log }: SystemDeps, room: Room, sender: User, meta: SystemMeta): Promise<number | undefined> {
  if ((meta.event === "joined" || meta.event === "left") && !recordsJoins(room)) return undefined;
  try {
    const result = await appends.append({
      id: randomUUID(),
      roomId: room.id,
      senderId: sender.id,
      senderName: sender.username,
      recipientId: null,
      kind: "system",
      content: describeSystemEvent(meta),
      replyTo: null,
      clientId: `system:${randomUUID()}`,
      meta,
    });
    if (!result.ok || !result.created) return undefined;
    const message = toWireMessage(result.message);
    await bus.publish(roomTopic(room.id), { type: "message", room: room.id, message }).catch((err: unknown) => {
      // Stored: receivers fill the hole from the database.
      log.error({ err, room: room.id, message: message.id }, "publish of a system message failed after commit");
    });
    return message.seq;
  } catch (err) {
    log.error({ err, room: room.id, event: meta.event }, "system message not stored");
    return undefined;
  }
}

/**
 * The lines a room update produces, one per kind of change, and only for what really changed
 * (the settings form sends every field on each save).
 */
export function roomChangeEvents(
  actor: User,
  before: { name: string; topic: string; visibility: string; settings: Record<string, unknown> },
  after: { name: string; topic: string; visibility: string; settings: Record<string, unknown> },
): SystemMeta[] {
  const events: SystemMeta[] = [];
  if (before.name !== after.name) events.push({ event: "renamed", actor, from: before.name, to: after.name });
  if (before.topic !== after.topic) events.push({ event: "topic", actor, from: before.topic, to: after.topic });
  const isOpenOrClosed = (v: string): v is "public" | "private" => v === "public" || v === "private";
  if (before.visibility !== after.visibility && isOpenOrClosed(before.visibility) && isOpenOrClosed(after.visibility)) {
    events.push({ event: "visibility", actor, from: before.visibility, to: after.visibility });
  }
  const keys = [...new Set([...Object.keys(before.settings), ...Object.keys(after.settings)])].sort();
  const changed = keys.filter((key) => settingChanged(before.settings, after.settings, key));
  if (changed.length > 0) events.push({ event: "settings", actor, changed });
  return events;
}
