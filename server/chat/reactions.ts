import type { Database } from "@/db/client";
import { getMessageById } from "@/db/queries/messages";
import { addReaction, getReactions, removeReaction } from "@/db/queries/reactions";
import type { Message } from "@/protocol";
import { publishFrame, type Bus } from "@/server/bus";
import { AppError } from "@/server/errors";
import { assertNotArchived, assertNotMuted, canReact } from "./permissions";
import { loadRoom } from "./rooms";
import { isVisibleInRoom, toWireMessage } from "./wire";

type Deps = { db: Database; bus: Bus };
type Actor = { id: string };

/**
 * Adds or removes one reaction; idempotent per (message, user, emoji). The room hears about
 * real changes only; the caller gets the message with its reactions either way.
 */
export async function react(
  { db, bus }: Deps,
  actor: Actor,
  input: { roomId: string; messageId: string; emoji: string; op: "add" | "remove" },
): Promise<Message> {
  const { room, membership } = await loadRoom(db, input.roomId, actor.id);
  assertNotArchived(room);
  if (!canReact(membership)) throw new AppError("FORBIDDEN", "join the room to react");
  assertNotMuted(membership);
  const row = await getMessageById(db, { id: input.messageId });
  if (!isVisibleInRoom(row, input.roomId, actor.id) || row.deletedAt) {
    throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
  }
  if (row.kind === "system") throw new AppError("INVALID", "message: system messages take no reactions", { field: "message" });
  const args = { messageId: row.id, userId: actor.id, emoji: input.emoji };
  const changed = input.op === "add" ? await addReaction(db, args) : await removeReaction(db, args);
  const reactions = (await getReactions(db, { messageIds: [row.id] })).get(row.id) ?? [];
  if (changed) {
    const entry = reactions.find((r) => r.emoji === input.emoji) ?? { count: 0, users: [] };
    await publishFrame(
      bus,
      row.roomId,
      { type: "reaction", room: row.roomId, message: row.id, emoji: input.emoji, count: entry.count, users: entry.users },
      row.recipientId ? { only: [row.senderId, row.recipientId] } : {},
    );
  }
  return toWireMessage(row, reactions);
}
