/**
 * What each client frame does once it is authenticated and validated. Handlers translate
 * between the wire and the chat services; the rules themselves live in server/chat.
 */
import { listBlocked } from "@/db/queries/blocks";
import { countMembers, getMembership, getRoomById, listFirstMembers, listRoomsOfUser } from "@/db/queries/rooms";
import { getLastSeen } from "@/db/queries/users";
import type { ClientFrame, Message } from "@/protocol";
import { deleteMessage, editMessage, replaySince, sendMessage } from "@/server/chat/messages";
import { storeInlineFile } from "@/server/files/inline";
import { react } from "@/server/chat/reactions";
import { markDelivered, markRead } from "@/server/chat/receipts";
import { joinRoom } from "@/server/chat/rooms";
import { setTyping } from "@/server/chat/typing";
import type { PresenceTracker } from "@/server/presence";
import { AppError, notFound } from "@/server/errors";
import type { Runtime } from "@/server/runtime";
import type { Connection } from "./connection";
import type { RoomRegistry } from "./registry";

export interface HandlerContext {
  runtime: Runtime;
  registry: RoomRegistry;
  presence: PresenceTracker;
}

type Handler<T extends ClientFrame["type"]> = (ctx: HandlerContext, conn: Connection, frame: Extract<ClientFrame, { type: T }>) => Promise<void>;
type HandlerTable = { [T in ClientFrame["type"]]: Handler<T> };

const actorOf = (conn: Connection) => {
  const identity = conn.identity!;
  return { id: identity.userId, username: identity.username };
};

function assertJoined(conn: Connection, room: string): void {
  if (!conn.rooms.has(room)) throw new AppError("NOT_IN_ROOM", "join the room first");
}

export const handlers: HandlerTable = {
  async auth(_ctx, conn) {
    conn.sendError(new AppError("INVALID", "this socket is already authenticated", { field: "type" }));
  },

  async join({ runtime, registry, presence }, conn, frame) {
    const { db } = runtime;
    const { room, added } = await joinRoom(runtime, actorOf(conn), frame.room);
    await runtime.ai?.ensureMember(room);
    await conn.ensureBlocked(async () => (await listBlocked(db, { blockerId: conn.userId })).map((b) => b.id));
    conn.beginJoin(room.id);
    try {
      // Subscribe before reading the room's seq: anything committed later arrives live,
      // anything earlier comes from the database, and the overlap is de-duplicated.
      await registry.add(room.id, conn, room.lastSeq);
      const read = {
        room: () => getRoomById(db, { id: room.id }),
        membership: () => getMembership(db, { roomId: room.id, userId: conn.userId }),
      };
      const current = runtime.standing ? await runtime.standing.readForJoin(room.id, conn.userId, read) : await read.room();
      if (!current) throw notFound("room");
      const members = await listFirstMembers(db, { roomId: room.id, limit: runtime.config.JOINED_MEMBERS_MAX + 1, include: conn.userId });
      // One extra row tells whether the room is bigger than the frame; only then is it counted.
      const complete = members.length <= runtime.config.JOINED_MEMBERS_MAX;
      if (!complete) members.splice(runtime.config.JOINED_MEMBERS_MAX);
      conn.send({
        type: "joined",
        ...(frame.id ? { ref: frame.id } : {}),
        room: room.id,
        seq: current.lastSeq,
        members: members.map((m) => ({ id: m.id, username: m.username, ...(m.displayName ? { display_name: m.displayName } : {}), role: m.role })),
        typing: registry.typingFrame(room.id, conn.userId).users,
        reads: Object.fromEntries(members.map((m) => [m.id, m.readSeq])),
        delivered: Object.fromEntries(members.map((m) => [m.id, m.deliveredSeq])),
        presence: await presence.snapshot(members),
        member_count: complete ? members.length : await countMembers(db, { roomId: room.id }),
        members_complete: complete,
      });
      const replayed = new Set<string>();
      // Replies still streaming, with their text so far (read after subscribing: docs/ai.md);
      // they replace their stored copy in the replay, or follow it.
      const streaming = (await runtime.ai?.catchUp(conn, room.id)) ?? new Map<string, Message>();
      if (frame.since !== undefined) {
        const { messages, gap } = await replaySince(runtime, conn.userId, current, frame.since, conn.blockedUsers);
        if (gap) conn.send({ type: "gap", room: room.id, ...gap });
        for (const message of messages) {
          replayed.add(message.id);
          conn.send({ type: "message", room: room.id, message: streaming.get(message.id) ?? message });
          streaming.delete(message.id);
        }
      }
      for (const message of streaming.values()) {
        replayed.add(message.id);
        conn.send({ type: "message", room: room.id, message });
      }
      // With `since`, the replay covered everything up to the room's seq read above.
      conn.finishJoin(room.id, replayed, frame.since !== undefined ? current.lastSeq : undefined);
      if (added) await presence.announceIn(room.id, conn.userId);
    } catch (err) {
      conn.rooms.delete(room.id);
      if (!conn.follows(room.id)) await registry.remove(room.id, conn);
      throw err;
    }
  },

  async leave({ registry }, conn, frame) {
    if (conn.rooms.delete(frame.room) && !conn.follows(frame.room)) await registry.remove(frame.room, conn);
    conn.forget(frame.room);
    conn.send({ type: "left", ...(frame.id ? { ref: frame.id } : {}), room: frame.room });
  },

  async watch({ runtime, registry, presence }, conn, frame) {
    const { db } = runtime;
    const mine = await listRoomsOfUser(db, { userId: conn.userId });
    const wanted = frame.rooms ? new Set(frame.rooms) : null;
    const rooms = wanted ? mine.filter((r) => wanted.has(r.id)) : mine;
    // Subscribed after the read: a message committed in between is above the registry's
    // starting seq for the room, so it still arrives (live or from the hole fill).
    await Promise.all(
      rooms.map((r) => {
        conn.watched.add(r.id);
        return registry.add(r.id, conn, r.lastSeq);
      }),
    );
    const partners = rooms.flatMap((r) => (r.visibility === "direct" ? (r.dmKey?.split(":").filter((id) => id !== conn.userId) ?? []) : []));
    const lastSeen = partners.length > 0 ? await getLastSeen(db, { ids: partners }) : new Map<string, Date | null>();
    conn.send({
      type: "unread",
      ...(frame.id ? { ref: frame.id } : {}),
      rooms: rooms.map((r) => ({ room: r.id, last_seq: r.lastSeq, read_seq: r.readSeq, unread: r.unread, ...(r.mentions > 0 ? { mentions: r.mentions } : {}) })),
      ...(partners.length > 0 ? { presence: await presence.snapshot(partners.map((id) => ({ id, lastSeenAt: lastSeen.get(id) ?? null }))) } : {}),
    });
  },

  async unwatch({ registry }, conn, frame) {
    for (const room of frame.rooms) {
      if (conn.watched.delete(room) && !conn.follows(room)) await registry.remove(room, conn);
      conn.forget(room);
    }
  },

  async send({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    let attachments = frame.attachments;
    if (frame.file) {
      const inline = await storeInlineFile(runtime, actorOf(conn), { roomId: frame.room, clientId: frame.id, file: frame.file });
      if (inline) attachments = [...(attachments ?? []), inline];
    }
    // The socket's next frame starts as soon as this message holds its place in the room's group
    // commit, so one socket's burst shares a batch; its ack (or error) follows the commit.
    const arrived = performance.now();
    const answerBy = conn.frameDeadline;
    await new Promise<void>((queued, refused) => {
      let placed = false;
      let answered = false;
      let deadline: NodeJS.Timeout | undefined;
      const answer = (reply: () => void) => {
        clearTimeout(deadline);
        if (answered) return;
        answered = true;
        reply();
      };
      const sent = sendMessage(
        runtime,
        actorOf(conn),
        { clientId: frame.id, roomId: frame.room, content: frame.content, kind: frame.kind, to: frame.to, replyTo: frame.reply_to, meta: frame.meta, attachments },
        () => {
          placed = true;
          // The frame timeout bounds the whole send, commit included. A commit that lands after
          // it is harmless: the client's retry with the same id gets the stored message.
          const left = Math.max(0, answerBy - performance.now());
          deadline = setTimeout(
            () => answer(() => conn.sendError(new AppError("UNAVAILABLE", "the message was not confirmed in time; retry with the same id"), frame.id)),
            left,
          );
          queued();
        },
      ).then(
        (message) => {
          answer(() => {
            conn.send({ type: "ack", ref: frame.id, message });
            runtime.metrics.sendAck.observe((performance.now() - arrived) / 1000);
          });
          queued();
        },
        (err: unknown) => {
          if (placed) answer(() => conn.sendError(err, frame.id));
          else refused(err);
        },
      );
      conn.settleLater(sent);
    });
  },

  async edit({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    const message = await editMessage(runtime, actorOf(conn), { roomId: frame.room, messageId: frame.message, content: frame.content });
    conn.send({ type: "ack", ref: frame.id, message });
  },

  async delete({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    const message = await deleteMessage(runtime, actorOf(conn), { roomId: frame.room, messageId: frame.message });
    conn.send({ type: "ack", ref: frame.id, message });
  },

  async typing({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    await setTyping(runtime, actorOf(conn), { roomId: frame.room, state: frame.state });
  },

  async read({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    await markRead(runtime, actorOf(conn), { roomId: frame.room, seq: frame.seq });
  },

  async delivered({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    await markDelivered(runtime, actorOf(conn), { roomId: frame.room, seq: frame.seq });
  },

  async react({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    const message = await react(runtime, actorOf(conn), { roomId: frame.room, messageId: frame.message, emoji: frame.emoji, op: frame.op });
    conn.send({ type: "ack", ref: frame.id, message });
  },

  async presence({ presence }, conn, frame) {
    await presence.report(conn.userId, conn.id, frame.status);
  },

  async cancel({ runtime }, conn, frame) {
    assertJoined(conn, frame.room);
    if (!runtime.ai) throw new AppError("NOT_FOUND", "the assistant is not configured on this server", { field: "message" });
    const message = await runtime.ai.cancel(actorOf(conn), { roomId: frame.room, messageId: frame.message });
    conn.send({ type: "ack", ref: frame.id, message });
  },

  async ping(_ctx, conn, frame) {
    conn.send({ type: "pong", ...(frame.id ? { ref: frame.id } : {}), ts: Date.now() });
  },
};

/** Dispatches a validated frame to its handler with the frame's own type. */
export function handle(ctx: HandlerContext, conn: Connection, frame: ClientFrame): Promise<void> {
  const handler = handlers[frame.type] as Handler<typeof frame.type>;
  return handler(ctx, conn, frame as never);
}
