/**
 * `GET /api/rooms/:id/events`: a room's events as server-sent events, for clients that only
 * read (notifications, embeds, bots behind proxies that break WebSockets).
 *
 * Served by the custom Node server beside /ws rather than by a Next route handler: a stream
 * lives for hours, must join the same room registry as sockets (ordered, de-duplicated,
 * filtered fan-out from the bus), must end when its reader is kicked or banned, and must be
 * closed by this process's shutdown; all of that lives here, not in Next's bundle.
 *
 * Protocol (docs/sse.md): authentication as for every route (session cookie, Bearer, or
 * `?token=`), authorization as for history; `Last-Event-ID` (or `?last_event_id=`) resumes
 * after that event, replaying missed messages from the database before going live.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { listBlocked } from "@/db/queries/blocks";
import { getRoomById } from "@/db/queries/rooms";
import { streamingDeltaEnd, streamingSnapshot } from "@/server/ai/streams";
import { SITE_TOPIC } from "@/server/bus";
import { credentialFrom, verifyToken } from "@/server/auth/tokens";
import { replaySince } from "@/server/chat/messages";
import { assertCanRead } from "@/server/chat/permissions";
import { loadRoom } from "@/server/chat/rooms";
import { canSee, maskBlocked } from "@/server/chat/wire";
import { AppError, errorBody, notFound, toAppError } from "@/server/errors";
import { NON_PAGE_CSP } from "@/server/http/security-headers";
import type { Message } from "@/protocol";
import { DeltaOrder } from "@/server/realtime/delta-order";
import type { RoomRegistry } from "@/server/realtime/registry";
import type { Runtime } from "@/server/runtime";
import { DeltaLog } from "./delta-log";
import { parseEventId, retryHint, type StreamPosition } from "./format";
import { RoomEventStream } from "./stream";

const EVENTS_PATH = /^\/api\/rooms\/([^/]+)\/events\/?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RoomEvents {
  /** Serves the request when it is for a room's event stream; false leaves it to Next. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends every open stream cleanly and refuses new ones (shutdown). */
  close(): Promise<void>;
}

export function attachRoomEvents(runtime: Runtime, registry: RoomRegistry): RoomEvents {
  const { config, log, db } = runtime;
  const streams = new Set<RoomEventStream>();
  const deltaLog = new DeltaLog();
  let closing = false;

  runtime.bus.onEvent((topic, event) => {
    deltaLog.observe(topic, event);
    // A site admin disabled or deleted an account: its streams end like its sockets close.
    if (topic !== SITE_TOPIC || event.type !== "user_revoked" || !event.close) return;
    for (const stream of streams) if (stream.userId === event.user) stream.end();
  });

  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.heartbeat();
  }, config.SSE_HEARTBEAT_MS);
  heartbeat.unref();

  async function serve(req: IncomingMessage, res: ServerResponse, roomParam: string): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      throw new AppError("INVALID", "this route only answers GET");
    }
    if (!UUID.test(roomParam)) throw notFound("room");
    if (closing) throw new AppError("UNAVAILABLE", "the server is shutting down; reconnect");
    const url = new URL(req.url ?? "/", "http://internal");
    const credential = credentialFrom({ authorization: req.headers.authorization, cookie: req.headers.cookie }, url.searchParams.get("token"));
    const identity = credential ? await verifyToken(credential) : null;
    if (!identity) throw new AppError("UNAUTHENTICATED", "sign in, or send Authorization: Bearer <token> or ?token=<token>");

    const lastEventId = headerValue(req.headers["last-event-id"]) ?? url.searchParams.get("last_event_id") ?? undefined;
    const resumeFrom = lastEventId === undefined || lastEventId === "" ? null : parseEventId(lastEventId);
    if (lastEventId && !resumeFrom) throw new AppError("INVALID", "Last-Event-ID is not an id this stream sent", { field: "last-event-id" });

    // The same rule as GET /api/rooms/:id/messages: readers of the room's history may stream it.
    const { room, membership, banned } = await loadRoom(db, roomParam, identity.userId);
    assertCanRead(room, membership, banned);
    const blocked = (await listBlocked(db, { blockerId: identity.userId })).map((b) => b.id);

    // Without Last-Event-ID the stream starts at the room's present: the seq read before the
    // stream joins the registry, so whatever commits after it arrives live or by replay.
    const start: StreamPosition = resumeFrom ?? { seq: room.lastSeq };
    // Idempotent: it runs when the stream ends, and again after any start-up step that was
    // still in flight when the client went away (the step may have registered it again).
    const detach = (ended: RoomEventStream) => {
      streams.delete(ended);
      void registry.remove(ended.room, ended).catch(() => {});
      void registry.removeUser(ended).catch(() => {});
      void runtime.sockets.release(ended.userId, ended.id);
    };
    const stream = new RoomEventStream(res, room.id, identity.userId, start, detach);
    if (!(await runtime.sockets.claim(identity.userId, stream.id))) {
      throw new AppError("RATE_LIMITED", `too many connections (at most ${config.MAX_SOCKETS_PER_USER} per user)`, { retryAfterMs: config.SSE_RETRY_MS });
    }
    if (stream.ended) return detach(stream);
    streams.add(stream);
    stream.setBlocked(blocked);

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // nginx (and proxies that copy it) would otherwise buffer the stream.
      "x-accel-buffering": "no",
      "content-security-policy": NON_PAGE_CSP,
    });
    res.socket?.setNoDelay(true);
    res.write(retryHint(config.SSE_RETRY_MS));

    try {
      await registry.addUser(stream);
      await registry.add(room.id, stream, room.lastSeq);
      if (stream.ended) return detach(stream);
      // Read after joining the registry: anything committed later arrives live, anything
      // earlier is replayed, and the overlap is dropped by seq.
      const current = await getRoomById(db, { id: room.id });
      if (!current) throw notFound("room");
      // Replies still streaming, with their text so far (read after joining the registry, so
      // every later delta arrives live); they stand in for their stored copy below.
      const streaming = new Map<string, Message>();
      // A resume from a delta also asks the generating instance, wherever it is, where that delta ends.
      const deltaEndOf = resumeFrom?.index !== undefined ? { seq: resumeFrom.seq, index: resumeFrom.index } : undefined;
      const deltaEnds = new Map<string, number>();
      for (const { message, deltaEnd } of await streamingSnapshot(room.id, deltaEndOf)) {
        if (!canSee(message, identity.userId)) continue;
        streaming.set(message.id, blocked.includes(message.sender) ? maskBlocked(message, new Set(blocked)) : message);
        if (typeof deltaEnd === "number") deltaEnds.set(message.id, deltaEnd);
      }
      if (start.seq < current.lastSeq) {
        const { messages, gap } = await replaySince(runtime, identity.userId, current, start.seq);
        // The gap keeps the stream's position: resuming from it must not skip what it names.
        if (gap) stream.replayFrame({ type: "gap", room: room.id, ...gap });
        for (const message of messages) {
          const live = streaming.get(message.id);
          streaming.delete(message.id);
          if (live) stream.replayStreaming(live, "message");
          else stream.replayMessage(message);
        }
      }
      for (const message of streaming.values()) catchUp(stream, message, resumeFrom, deltaEnds.get(message.id) ?? null);
      stream.goLive(current.lastSeq);
    } catch (err) {
      // Headers are out: the client sees the stream end and reconnects with its Last-Event-ID.
      log.error({ err, correlationId: toAppError(err).correlationId, room: room.id }, "event stream start-up failed");
      stream.end();
    }
  }

  /**
   * A reply streaming since before the stream's start position: a reader resuming from one of
   * its deltas gets exactly the text it missed as one delta; a new reader gets the reply as a
   * message; a reader whose progress in it is unknown (resuming from another event) gets its
   * whole text so far as a `message_updated`, which replaces what it had.
   */
  function catchUp(stream: RoomEventStream, message: Message, resumeFrom: StreamPosition | null, knownEnd: number | null): void {
    if (!resumeFrom || message.seq > resumeFrom.seq) return stream.replayStreaming(message, "message");
    const next = DeltaOrder.startOf(message);
    if (resumeFrom.seq === message.seq && resumeFrom.index !== undefined && !message.blocked) {
      const have = resumeFrom.index + 1;
      if (have >= next) return stream.expectDeltas(message, have);
      // The generating instance knows where each delta ends (its snapshot answer said, when it
      // runs elsewhere); failing that, the bus-fed log may.
      const end = knownEnd ?? streamingDeltaEnd(message.id, have - 1);
      const missed = end !== null && end <= message.content.length ? message.content.slice(end) : deltaLog.textOf(message.id, message.content, have, next);
      if (missed !== null) return stream.catchUpDelta(message, missed);
    }
    stream.replayStreaming(message, "message_updated");
  }

  return {
    handle(req, res) {
      const match = EVENTS_PATH.exec((req.url ?? "/").split("?")[0]!);
      if (!match) return false;
      serve(req, res, match[1]!).catch((err: unknown) => {
        const { error, correlationId } = toAppError(err);
        if (correlationId) log.error({ err, correlationId }, "event stream refused");
        runtime.metrics.errors.inc({ code: error.code, transport: "http" });
        if (res.headersSent) return void res.end();
        const status = req.method !== "GET" && error.code === "INVALID" ? 405 : error.status;
        res.writeHead(status, {
          "content-type": "application/json",
          "cache-control": "no-store",
          "content-security-policy": NON_PAGE_CSP,
          ...(error.details.retryAfterMs !== undefined ? { "retry-after": String(Math.ceil(error.details.retryAfterMs / 1000)) } : {}),
        });
        res.end(JSON.stringify(errorBody(error)));
      });
      return true;
    },

    async close() {
      closing = true;
      clearInterval(heartbeat);
      for (const stream of [...streams]) stream.end();
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
