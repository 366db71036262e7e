import { randomUUID } from "node:crypto";
import type { Database, Executor } from "@/db/client";
import { blockedEitherWay, hasBlocked, listBlocked } from "@/db/queries/blocks";
import { findByClientId, getMessageById, listMessages, tombstoneMessage, updateMessageContent, type MessageRow } from "@/db/queries/messages";
import { resolveMentions } from "@/db/queries/mentions";
import { getReactions } from "@/db/queries/reactions";
import { getMembership } from "@/db/queries/rooms";
import { REPLAY_LIMIT, type Message, type MessageKind } from "@/protocol";
import { publishFrame, roomTopic, type Bus } from "@/server/bus";
import { AppError, invalid } from "@/server/errors";
import type { ArchiveSwitch } from "@/server/archive/switch";
import type { Limits } from "@/server/limits";
import type { Logger } from "@/server/log";
import type { Metrics } from "@/server/metrics";
import type { PresenceStore } from "@/server/presence";
import type { AiService } from "@/server/ai/service";
import type { AppendQueue } from "./append-queue";
import { previewAfterEdit, queuePreview, type PreviewDeps } from "./link-previews";
import { mentionRequestOf } from "./mentions";
import { assertCanPost, assertCanRead, assertNotArchived, assertNotMuted, canDeleteMessage, canEditMessage, mayAttempt } from "./permissions";
import { loadRoom } from "./rooms";
import { isVisibleInRoom, maskBlocked, toWireMessage } from "./wire";
import { checkAttachments } from "./attachments";
import { purgeMessageUploads } from "@/server/files/purge";
import { findRuntime } from "@/server/runtime";

type Deps = {
  db: Database;
  bus: Bus;
  log: Logger;
  limits: Limits;
  appends: AppendQueue;
  metrics: Metrics;
  archiveSwitch: Pick<ArchiveSwitch, "enabled">;
  presence: PresenceStore;
  /** The assistant, when configured: a message mentioning it starts a reply (server/ai). */
  ai?: Pick<AiService, "reserve">;
} & Pick<PreviewDeps, "jobs" | "config">;
type Actor = { id: string; username: string };

export interface SendInput {
  clientId: string;
  roomId: string;
  content: string;
  kind?: MessageKind;
  to?: string;
  replyTo?: string;
  meta?: Record<string, unknown>;
  /** Upload ids to attach (the sender's own, to this room, not attached yet). */
  attachments?: readonly string[];
}

/**
 * Persists a message, then publishes it. Idempotent on (room, sender, client id): a retry
 * returns the stored message and publishes nothing, so the sender can resend until acked.
 *
 * `onQueued` fires once every check passed and the message holds its place in the room's
 * group commit (or the send failed): a socket can then go on with its next frame while this
 * one waits for its batch, and its sends still commit in the order they arrived.
 */
export async function sendMessage(deps: Deps, actor: Actor, input: SendInput, onQueued: () => void = () => {}): Promise<Message> {
  return (await storeMessage(deps, actor, input, onQueued)).message;
}

/**
 * `sendMessage`, also telling whether this call stored the message (`created`) or found it
 * stored by an earlier attempt with the same client id (REST answers 201 or 200).
 */
export async function storeMessage(
  { db, bus, log, limits, appends, metrics, presence, jobs, config, ai }: Deps,
  actor: Actor,
  input: SendInput,
  onQueued: () => void = () => {},
): Promise<{ message: Message; created: boolean }> {
  const { room, membership, standing } = await loadRoom(db, input.roomId, actor.id);
  assertCanPost(room, membership);

  try {
    await limits.consume("message", actor.id);
    const slowMode = Number(room.settings.slow_mode_s ?? 0);
    if (slowMode > 0 && !mayAttempt(standing, "skip_slow_mode")) await limits.slowMode(room.id, actor.id, slowMode);
  } catch (err) {
    // Charged before any query of this send. A retry of a message stored before the limit was
    // reached is answered, not refused: the look-up is paid only by refused sends.
    const stored = await findByClientId(db, room.id, actor.id, input.clientId);
    if (stored) return { message: toWireMessage(stored), created: false };
    throw err;
  }

  if (input.to !== undefined) {
    if (input.to === actor.id) throw invalid("to: cannot send a private message to yourself", "to");
    if (!(await getMembership(db, { roomId: room.id, userId: input.to }))) {
      throw new AppError("NOT_FOUND", "to: that user is not a member of this room", { field: "to" });
    }
    if (await hasBlocked(db, { blockerId: input.to, blockedId: actor.id })) throw new AppError("FORBIDDEN", "this user does not accept your messages");
  }
  // A 1:1 conversation is closed by a block either way; in a group one, blocks are per pair
  // (the blocker sees the other's messages masked) and the group goes on (server/chat/direct.ts).
  const participants = room.visibility === "direct" ? (room.dmKey?.split(":") ?? []) : [];
  if (participants.length === 2) {
    const other = participants.find((id) => id !== actor.id);
    if (other && (await blockedEitherWay(db, { a: actor.id, b: other }))) throw new AppError("FORBIDDEN", "this conversation is blocked");
  }
  if (input.replyTo !== undefined) {
    const parent = await getMessageById(db, { id: input.replyTo });
    if (!isVisibleInRoom(parent, room.id, actor.id)) {
      throw new AppError("NOT_FOUND", "reply_to: no such message in this room", { field: "reply_to" });
    }
  }
  let kind = input.kind ?? "text";
  if (input.attachments?.length) {
    try {
      kind = await checkAttachments(db, actor.id, room, input.attachments, input.kind);
    } catch (err) {
      // A retry of a send that already attached them is answered with what it stored.
      const stored = await findByClientId(db, room.id, actor.id, input.clientId);
      if (stored) return { message: toWireMessage(stored), created: false };
      throw err;
    }
  }

  const mentionRequest = await mentionRequestOf({ db, presence }, room, standing, input.content);

  // Checked before storing: a second request while the user's reply runs is refused, not stored.
  const reservation = (await ai?.reserve(actor, room, input)) ?? null;
  const appended = appends.append({
    id: randomUUID(),
    roomId: room.id,
    senderId: actor.id,
    senderName: actor.username,
    recipientId: input.to ?? null,
    kind,
    content: input.content,
    replyTo: input.replyTo ?? null,
    clientId: input.clientId,
    meta: input.meta ?? null,
    mentionRequest,
    ...(input.attachments?.length ? { attachmentIds: input.attachments } : {}),
  });
  onQueued();
  const result = await appended.catch((err: unknown) => {
    reservation?.release();
    throw err;
  });
  if (!result.ok) {
    reservation?.release();
    if (result.reason === "not_member") throw new AppError("FORBIDDEN", "join the room before posting");
    if (result.reason === "attachments") throw new AppError("CONFLICT", "attachments: an upload was attached to another message first", { field: "attachments" });
    assertCanPost(room, { role: membership!.role, mutedUntil: result.mutedUntil, muteReason: result.muteReason });
    throw new AppError("FORBIDDEN", "you are muted");
  }
  const wire = toWireMessage(result.message);
  if (result.created) {
    // Stored and about to be acked: a failed publish only delays live delivery, since
    // receivers fill holes from the database. Each instance's registry also ends the
    // sender's "is typing…" when it sees the message, so no separate typing event is sent.
    const published = performance.now();
    bus.publish(roomTopic(room.id), { type: "message", room: room.id, message: wire }).then(
      () => metrics.busPublish.observe((performance.now() - published) / 1000),
      (err: unknown) => log.error({ err, room: room.id, message: wire.id }, "publish failed after commit"),
    );
    queuePreview({ jobs, log, config }, wire);
  }
  reservation?.stored(wire, result.created);
  return { message: wire, created: result.created };
}

/** Loads a message of `roomId` that the actor may see, or NOT_FOUND. */
async function loadMessage(db: Database, actorId: string, roomId: string, messageId: string) {
  const { room, membership, standing } = await loadRoom(db, roomId, actorId);
  const row = await getMessageById(db, { id: messageId });
  if (!isVisibleInRoom(row, room.id, actorId)) {
    throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
  }
  // The room's record of its events: neither its actor nor a moderator rewrites it.
  if (row.kind === "system") throw new AppError("FORBIDDEN", "system messages cannot be edited or deleted");
  return { room, membership, standing, row };
}

const audienceOf = (row: MessageRow) => (row.recipientId ? { only: [row.senderId, row.recipientId] } : {});

export async function editMessage(
  { db, bus, archiveSwitch, presence, ...previews }: Pick<Deps, "db" | "bus" | "archiveSwitch" | "presence" | "jobs" | "log" | "config">,
  actor: Actor,
  input: { roomId: string; messageId: string; content: string },
): Promise<Message> {
  const { room, membership, standing, row } = await loadMessage(db, actor.id, input.roomId, input.messageId);
  assertNotArchived(room);
  if (!membership || !canEditMessage(actor.id, row)) throw new AppError("FORBIDDEN", "only the author can edit a message");
  assertNotMuted(membership);
  if (row.deletedAt) throw new AppError("NOT_FOUND", "message: it was deleted", { field: "message" });
  // Re-resolved against today's members: an edit that adds or removes a mention takes effect.
  const request = await mentionRequestOf({ db, presence }, room, standing, input.content);
  const [mentions] = request ? await resolveMentions(db, [{ roomId: room.id, senderId: actor.id, recipientId: row.recipientId, request }]) : [[]];
  const edited = (await updateMessageContent(db, {
    id: row.id,
    content: input.content,
    mentions: mentions!,
    journal: (await archiveSwitch.enabled()) ? { actorId: actor.id } : null,
  }))!;
  const updated = await previewAfterEdit({ db }, edited);
  const reactions = (await getReactions(db, { messageIds: [row.id] })).get(row.id);
  const wire = toWireMessage(updated, reactions);
  await publishFrame(bus, row.roomId, { type: "message_updated", room: row.roomId, message: wire }, audienceOf(row));
  // After the edit's own frame, so the preview's frame cannot be overtaken by it.
  if (!wire.preview) queuePreview(previews, wire);
  return wire;
}

/**
 * `recordIn` writes, in the deletion's own transaction, what must not exist without it (a
 * moderator's audit row); nothing is written when the message was already deleted.
 */
export async function deleteMessage(
  { db, bus, archiveSwitch }: Pick<Deps, "db" | "bus" | "archiveSwitch">,
  actor: Actor,
  input: { roomId: string; messageId: string },
  recordIn?: (tx: Executor, row: MessageRow) => Promise<unknown>,
): Promise<Message> {
  const { room, standing, row } = await loadMessage(db, actor.id, input.roomId, input.messageId);
  assertNotArchived(room);
  if (!canDeleteMessage(standing, row)) throw new AppError("FORBIDDEN", "you may only delete your own messages");
  if (row.deletedAt) return toWireMessage(row);
  const journal = (await archiveSwitch.enabled()) ? { actorId: actor.id } : null;
  const wire = toWireMessage((await tombstoneMessage(db, { id: row.id, journal, alsoIn: recordIn && ((tx) => recordIn(tx, row)) }))!);
  await publishFrame(bus, row.roomId, { type: "message_deleted", room: row.roomId, message: wire }, audienceOf(row));
  // The file store is per process (the runtime), whichever transport called.
  const runtime = findRuntime();
  if (row.attachments?.length && runtime) await purgeMessageUploads(db, runtime.files, runtime.log, row.id);
  return wire;
}

/**
 * Wire messages as `viewerId` sees them: reactions attached, blocked senders masked. `blocked`:
 * the viewer's blocked users when the caller already holds them (a socket), else they are read.
 */
export async function forViewer(db: Database, viewerId: string, rows: MessageRow[], blocked?: ReadonlySet<string>): Promise<Message[]> {
  const reactions = await getReactions(db, { messageIds: rows.filter((r) => !r.deletedAt).map((r) => r.id) });
  blocked ??= new Set((await listBlocked(db, { blockerId: viewerId })).map((b) => b.id));
  return rows.map((row) => maskBlocked(toWireMessage(row, reactions.get(row.id)), blocked));
}

/** Retention: the oldest creation time a room still shows. */
export function retentionCutoff(room: { settings: Record<string, unknown> }): Date | undefined {
  const days = room.settings.retention_days;
  return typeof days === "number" && days > 0 ? new Date(Date.now() - days * 86_400_000) : undefined;
}

export async function getHistory(
  { db }: Pick<Deps, "db">,
  actor: Actor,
  roomId: string,
  page: { before?: number; after?: number; limit: number },
): Promise<Message[]> {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id);
  assertCanRead(room, membership, banned);
  const rows = await listMessages(db, { roomId, viewerId: actor.id, ...page, notBefore: retentionCutoff(room) });
  return forViewer(db, actor.id, rows);
}

/** One message the actor may read (e.g. the parent of a reply older than the loaded history). */
export async function getMessage({ db }: Pick<Deps, "db">, actor: Actor, roomId: string, messageId: string): Promise<Message> {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id);
  assertCanRead(room, membership, banned);
  const row = await getMessageById(db, { id: messageId });
  const cutoff = retentionCutoff(room);
  if (!isVisibleInRoom(row, room.id, actor.id) || (cutoff && row.createdAt < cutoff)) {
    throw new AppError("NOT_FOUND", "message not found");
  }
  const [message] = await forViewer(db, actor.id, [row]);
  return message!;
}

/**
 * Messages a re-joining client missed after `since`, newest REPLAY_LIMIT of them; when more
 * were missed, `gap` names the range the client should page over REST.
 */
export async function replaySince(
  { db }: Pick<Deps, "db">,
  viewerId: string,
  room: { id: string; lastSeq: number; settings: Record<string, unknown> },
  since: number,
  blocked?: ReadonlySet<string>,
): Promise<{ messages: Message[]; gap?: { from: number; to: number } }> {
  if (since >= room.lastSeq) return { messages: [] };
  const rows = await listMessages(db, {
    roomId: room.id,
    viewerId,
    after: since,
    before: room.lastSeq + 1,
    limit: REPLAY_LIMIT,
    notBefore: retentionCutoff(room),
  });
  const messages = await forViewer(db, viewerId, rows, blocked);
  const first = messages[0];
  if (rows.length === REPLAY_LIMIT && first && first.seq > since + 1) {
    return { messages, gap: { from: since + 1, to: first.seq - 1 } };
  }
  return { messages };
}

