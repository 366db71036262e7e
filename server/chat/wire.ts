import type { MessageRow } from "@/db/queries/messages";
import type { Message, Reaction } from "@/protocol";

/** The contract's message object; deleted messages keep their place but lose their content. */
export function toWireMessage(row: MessageRow, reactions?: Reaction[]): Message {
  return {
    id: row.id,
    room: row.roomId,
    seq: row.seq,
    sender: row.senderId,
    sender_name: row.senderName,
    ...(row.senderDisplay ? { sender_display: row.senderDisplay } : {}),
    kind: row.kind,
    content: row.deletedAt ? "" : row.content,
    to: row.recipientId,
    reply_to: row.replyTo,
    client_id: row.clientId,
    meta: row.meta,
    created_at: row.createdAt.toISOString(),
    edited_at: row.editedAt?.toISOString() ?? null,
    ...(row.deletedAt ? { deleted: true } : {}),
    ...(reactions?.length && !row.deletedAt ? { reactions } : {}),
    // The assistant's replies record in meta whether they are still streaming (server/ai).
    ...(row.kind !== "system" && typeof row.meta?.streaming === "boolean" ? { streaming: row.meta.streaming } : {}),
  };
}

/** Whether `row` is a message of `roomId` that `viewerId` may see. */
export const isVisibleInRoom = (row: MessageRow | null, roomId: string, viewerId: string): row is MessageRow =>
  row !== null && row.roomId === roomId && canSee({ to: row.recipientId, sender: row.senderId }, viewerId);

/** Whether `userId` may see `message` (private messages: sender and recipient only). */
export const canSee = (message: Pick<Message, "to" | "sender">, userId: string) =>
  !message.to || message.to === userId || message.sender === userId;

/**
 * A message from someone the viewer blocked keeps its place but shows nothing. System lines are
 * the server's record of room events, not the poster's words, and stay visible.
 */
export function maskBlocked(message: Message, blocked: ReadonlySet<string>): Message {
  if (message.kind === "system" || !blocked.has(message.sender)) return message;
  return { ...message, content: "", meta: null, reactions: undefined, blocked: true };
}
