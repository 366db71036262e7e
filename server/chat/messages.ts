import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { appendMessage, getMessageById, listMessages } from "@/db/queries/messages";
import { getMembership } from "@/db/queries/rooms";
import { REPLAY_LIMIT, type Message, type MessageKind } from "@/protocol";
import { roomTopic, type Bus } from "@/server/bus";
import { AppError, invalid } from "@/server/errors";
import type { Logger } from "@/server/log";
import { assertCanPost, assertCanRead } from "./permissions";
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
  }
  return wire;
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
  return rows.map(toWireMessage);
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
  const messages = rows.map(toWireMessage);
  const first = messages[0];
  if (rows.length === REPLAY_LIMIT && first && first.seq > since + 1) {
    return { messages, gap: { from: since + 1, to: first.seq - 1 } };
  }
  return { messages };
}

