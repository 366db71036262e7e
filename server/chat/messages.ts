import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { appendMessage, getMessageById, listMessages, tombstoneMessage, updateMessageContent, type MessageRow } from "@/db/queries/messages";
import { getReactions } from "@/db/queries/reactions";
import { getMembership } from "@/db/queries/rooms";
import { REPLAY_LIMIT, type Message, type MessageKind } from "@/protocol";
import { publishFrame, roomTopic, type Bus } from "@/server/bus";
import { AppError, invalid } from "@/server/errors";
import type { Logger } from "@/server/log";
import { assertCanPost, assertCanRead, canDeleteMessage, canEditMessage } from "./permissions";
import { loadRoom } from "./rooms";
import { canSee, toWireMessage } from "./wire";

type Deps = { db: Database; bus: Bus; log: Logger };
type Actor = { id: string; username: string };

export interface SendInput {
  clientId: string;
  roomId: string;
  content: string;
  kind?: MessageKind;
  to?: string;
  replyTo?: string;
  meta?: Record<string, unknown>;
}

/**
 * Persists a message, then publishes it. Idempotent on (room, sender, client id): a retry
 * returns the stored message and publishes nothing, so the sender can resend until acked.
 */
export async function sendMessage({ db, bus, log }: Deps, actor: Actor, input: SendInput): Promise<Message> {
  const { room, membership } = await loadRoom(db, input.roomId, actor.id);
  assertCanPost(room, membership);

  if (input.to !== undefined) {
    if (input.to === actor.id) throw invalid("to: cannot send a private message to yourself", "to");
    if (!(await getMembership(db, { roomId: room.id, userId: input.to }))) {
      throw new AppError("NOT_FOUND", "to: that user is not a member of this room", { field: "to" });
    }
  }
  if (input.replyTo !== undefined) {
    const parent = await getMessageById(db, { id: input.replyTo });
    if (!parent || parent.roomId !== room.id || !canSee(toWireMessage(parent), actor.id)) {
      throw new AppError("NOT_FOUND", "reply_to: no such message in this room", { field: "reply_to" });
    }
  }

  const { message, created } = await db.transaction((tx) =>
    appendMessage(tx, {
      id: randomUUID(),
      roomId: room.id,
      senderId: actor.id,
      recipientId: input.to ?? null,
      kind: input.kind ?? "text",
      content: input.content,
      replyTo: input.replyTo ?? null,
      clientId: input.clientId,
      meta: input.meta ?? null,
    }),
  );
  const wire = toWireMessage(message);
  if (created) {
    // Stored and about to be acked: a failed publish only delays live delivery, since
    // receivers catch up from the database when they re-join.
    await bus.publish(roomTopic(room.id), { type: "message", room: room.id, message: wire }).catch((err: unknown) => {
      log.error({ err, room: room.id, message: wire.id }, "publish failed after commit");
    });
    // Sending ends "is typing…" at once rather than when the indicator expires.
    await bus.publish(roomTopic(room.id), { type: "typing", room: room.id, user: actor, state: "stop" }).catch(() => {});
  }
  return wire;
}

/** Loads a message of `roomId` that the actor may see, or NOT_FOUND. */
async function loadMessage(db: Database, actorId: string, roomId: string, messageId: string) {
  const { room, membership } = await loadRoom(db, roomId, actorId);
  const row = await getMessageById(db, { id: messageId });
  if (!row || row.roomId !== room.id || !canSee(toWireMessage(row), actorId)) {
    throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
  }
  return { room, membership, row };
}

const audienceOf = (row: MessageRow) => (row.recipientId ? { only: [row.senderId, row.recipientId] } : {});

export async function editMessage({ db, bus }: Deps, actor: Actor, input: { roomId: string; messageId: string; content: string }): Promise<Message> {
  const { membership, row } = await loadMessage(db, actor.id, input.roomId, input.messageId);
  if (!membership || !canEditMessage(actor.id, row)) throw new AppError("FORBIDDEN", "only the author can edit a message");
  if (row.deletedAt) throw new AppError("NOT_FOUND", "message: it was deleted", { field: "message" });
  const updated = (await updateMessageContent(db, { id: row.id, content: input.content }))!;
  const reactions = (await getReactions(db, { messageIds: [row.id] })).get(row.id);
  const wire = toWireMessage(updated, reactions);
  await publishFrame(bus, row.roomId, { type: "message_updated", room: row.roomId, message: wire }, audienceOf(row));
  return wire;
}

export async function deleteMessage({ db, bus }: Deps, actor: Actor, input: { roomId: string; messageId: string }): Promise<Message> {
  const { membership, row } = await loadMessage(db, actor.id, input.roomId, input.messageId);
  if (!canDeleteMessage(actor.id, membership, row)) throw new AppError("FORBIDDEN", "you may only delete your own messages");
  if (row.deletedAt) return toWireMessage(row);
  const wire = toWireMessage((await tombstoneMessage(db, { id: row.id }))!);
  await publishFrame(bus, row.roomId, { type: "message_deleted", room: row.roomId, message: wire }, audienceOf(row));
  return wire;
}

/** Wire messages with their reactions attached. */
async function withReactions(db: Database, rows: MessageRow[]): Promise<Message[]> {
  const reactions = await getReactions(db, { messageIds: rows.filter((r) => !r.deletedAt).map((r) => r.id) });
  return rows.map((row) => toWireMessage(row, reactions.get(row.id)));
}

export async function getHistory(
  { db }: Pick<Deps, "db">,
  actor: Actor,
  roomId: string,
  page: { before?: number; after?: number; limit: number },
): Promise<Message[]> {
  const { room, membership } = await loadRoom(db, roomId, actor.id);
  assertCanRead(room, membership);
  const rows = await listMessages(db, { roomId, viewerId: actor.id, ...page });
  return withReactions(db, rows);
}

/**
 * Messages a re-joining client missed after `since`, newest REPLAY_LIMIT of them; when more
 * were missed, `gap` names the range the client should page over REST.
 */
export async function replaySince(
  { db }: Pick<Deps, "db">,
  viewerId: string,
  room: { id: string; lastSeq: number },
  since: number,
): Promise<{ messages: Message[]; gap?: { from: number; to: number } }> {
  if (since >= room.lastSeq) return { messages: [] };
  const rows = await listMessages(db, { roomId: room.id, viewerId, after: since, before: room.lastSeq + 1, limit: REPLAY_LIMIT });
  const messages = await withReactions(db, rows);
  const first = messages[0];
  if (rows.length === REPLAY_LIMIT && first && first.seq > since + 1) {
    return { messages, gap: { from: since + 1, to: first.seq - 1 } };
  }
  return { messages };
}

