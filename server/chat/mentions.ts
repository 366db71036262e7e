/**
 * Mentions on the send and edit paths: which tokens a message uses, whether the sender may use
 * them, and who `@here` reaches. Resolution against the room's members happens where the
 * message is stored (db/queries/mentions.ts), for a whole group-commit batch at once.
 */
import type { Database } from "@/db/client";
import type { MentionRequest } from "@/db/queries/mentions";
import { roomMembers } from "@/db/schema";
import { hasMentionTokens, parseMentions } from "@/protocol/mentions";
import { AppError } from "@/server/errors";
import type { PresenceStore } from "@/server/presence";
import { mergeStatuses } from "@/server/presence/status";
import { eq } from "drizzle-orm";
import { mayAttempt, type Standing } from "./permissions";

/** Whether the room lets anyone mention everyone (admins turn it off with `room_mentions: false`). */
export const roomMentionsEnabled = (room: { settings: Record<string, unknown> }) => room.settings.room_mentions !== false;

/**
 * The mention request of `content`, or null when it mentions nobody (the common case costs one
 * regular expression and no query). `@room` is refused with FORBIDDEN, before anything is
 * stored, unless the sender is a moderator or above and the room allows it. `@here` reads the
 * room's members and their presence: the members connected and not away when it is sent.
 */
export async function mentionRequestOf(
  { db, presence }: { db: Database; presence: PresenceStore },
  room: { id: string; settings: Record<string, unknown> },
  standing: Standing,
  content: string,
): Promise<MentionRequest | null> {
  if (!content.includes("@")) return null;
  const tokens = parseMentions(content);
  if (!hasMentionTokens(tokens)) return null;
  if (tokens.room) {
    if (!roomMentionsEnabled(room)) throw new AppError("FORBIDDEN", "@room is turned off in this room");
    if (!mayAttempt(standing, "mention_room")) throw new AppError("FORBIDDEN", "only moderators and above may mention @room");
  }
  let here: string[] = [];
  if (tokens.here) {
    const members = await db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, room.id));
    const live = await presence.get(members.map((m) => m.id));
    here = members.map((m) => m.id).filter((id) => isHere(mergeStatuses(live.get(id) ?? [])));
  }
  return { names: tokens.names, here, room: tokens.room };
}

/** `@here` reaches members who are connected and not away (do-not-disturb is still mentioned, just not notified). */
const isHere = (status: ReturnType<typeof mergeStatuses>) => status !== null && status !== "away";
