/**
 * The WebSocket gateway: claims upgrades on /ws and /ws/<roomId> (everything else is left to
 * Next, e.g. dev HMR), checks Origin before upgrading, authenticates, validates every frame
 * and hands it to the handlers. Also owns the heartbeat and the graceful close on shutdown.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { CloseCode, MAX_BINARY_FRAME_BYTES, MAX_FRAME_BYTES, MSGPACK_SUBPROTOCOL, PROTOCOL_VERSION, SUPPORTED_PROTOCOLS, parseClientFrame, validateClientFrame } from "@/protocol";
import { listMessages } from "@/db/queries/messages";
import { isAllowedOrigin, requestScheme } from "@/server/auth/origin";
import { credentialFrom, verifyToken, type Identity } from "@/server/auth/tokens";
import { isActiveUser } from "@/server/auth/user-validity";
import { toWireMessage } from "@/server/chat/wire";
import { StandingCache } from "@/server/chat/standing";
import { AppError } from "@/server/errors";
import { FrameBudgets, PendingHandshakes } from "@/server/limits";
import type { Runtime } from "@/server/runtime";
import { Connection } from "./connection";
import { handle, type HandlerContext } from "./handlers";
import { HeartbeatSweep } from "./heartbeat";
import { PresenceTracker } from "@/server/presence";
import { SITE_TOPIC } from "@/server/bus";
import { fromMsgpack, rawLength } from "./msgpack";
import { RoomRegistry } from "./registry";
import { attachTransport } from "./send";

function decodeBinaryFrame(data: RawData): ReturnType<typeof validateClientFrame> {
  let value: unknown;
  try {
    value = fromMsgpack(data);
  } catch {
    return { ok: false, message: "frame is not valid MessagePack" };
  }
  return validateClientFrame(value);
}

/** How long an unauthenticated socket may wait before its `auth` frame. */
export const AUTH_TIMEOUT_MS = 10_000;
const WS_PATH = /^\/ws(?:\/([0-9a-fA-F-]{36}))?\/?$/;
/** Frames smaller than this are sent uncompressed even when permessage-deflate is negotiated. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

export interface Gateway {
  /** The room registry sockets listen through; event streams (server/sse) join it too. */
  readonly registry: RoomRegistry;
  /** Stops accepting sockets, closes every open one with 1001 and waits for queued frames. */
  close(): Promise<void>;
}

export function attachGateway(server: Server, runtime: Runtime): Gateway {
  const { config, log, db } = runtime;
  const wss = new WebSocketServer({
    noServer: true,
    // The larger bound is for MessagePack sockets' inline files; text sockets keep
    // MAX_FRAME_BYTES, enforced per frame in onFrame.
    maxPayload: MAX_BINARY_FRAME_BYTES,
    handleProtocols: (offered) => (offered.has(MSGPACK_SUBPROTOCOL) ? MSGPACK_SUBPROTOCOL : false),
    clientTracking: false,
    // No context takeover: an idle socket keeps no zlib window, at some cost in ratio.
    perMessageDeflate: config.WS_COMPRESSION
      ? { threshold: COMPRESSION_THRESHOLD_BYTES, serverNoContextTakeover: true, clientNoContextTakeover: true, zlibDeflateOptions: { level: 1 } }
      : false,
  });
  const pending = new PendingHandshakes(config.MAX_PENDING_HANDSHAKES, config.MAX_PENDING_PER_ADDRESS);
  const connections = new Set<Connection>();
  const registry = new RoomRegistry(
    runtime.bus,
    log,
    async (room, after) => {
      const rows = await listMessages(db, { roomId: room, viewerId: null, after, limit: 500 });
      return rows.map((row) => toWireMessage(row));
    },
    config.TYPING_TTL_MS,
    {
      held: () => runtime.metrics.heldBack.inc(),
      caughtUp: () => runtime.metrics.holeFills.inc(),
      delivered: (createdAt, sockets) => {
        runtime.metrics.fanout.observe(Math.max(0, Date.now() - Date.parse(createdAt)) / 1000);
        runtime.metrics.framesOut.inc({ type: "message" }, sockets);
      },
    },
  );
  const presence = new PresenceTracker(runtime, runtime.presence, config.PRESENCE_TTL_MS);
  runtime.ai?.attachRegistry(registry);
  const ctx: HandlerContext = { runtime, registry, presence };
  // The listener set's identity marks one subscription of the room: a new set after the room
  // was unsubscribed and subscribed again, so standing cached before the gap is dropped.
  const standing = new StandingCache(runtime.bus, { epoch: (room) => (registry.isSubscribed(room) ? registry.listeners(room) : undefined) });
  runtime.standing = standing;
  registry.onStatusChoice = (userId, listeners, status) => {
    for (const listener of listeners) void presence.setStatus(userId, listener.id, status);
  };
  let closing = false;
  // A site admin disabled or deleted an account (on any instance): its sockets here close now.
  runtime.bus.onEvent((topic, event) => {
    if (topic !== SITE_TOPIC || event.type !== "user_revoked" || !event.close) return;
    for (const conn of connections) {
      if (conn.identity?.userId === event.user) conn.socket.close(CloseCode.UNAUTHENTICATED, "this account was disabled");
    }
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://internal");
    const match = WS_PATH.exec(url.pathname);
    if (!match) {
      // Next's own upgrade listener serves dev HMR under /_next/; every other path is refused
      // here, since Next leaves unmatched upgrades hanging.
      if (!url.pathname.startsWith("/_next/")) rejectUpgrade(socket, 404, "Not Found");
      return;
    }
    if (closing) return rejectUpgrade(socket, 503, "Service Unavailable");
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(origin, req.headers.host, config.ALLOWED_ORIGINS, requestScheme(req.headers["x-forwarded-proto"]))) {
      log.warn({ origin }, "refused cross-origin websocket handshake");
      return rejectUpgrade(socket, 403, "Forbidden");
    }
    const address = (config.TRUST_PROXY ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() : "") || req.socket.remoteAddress || "unknown";
    const admitted = pending.admit(address);
    if ("refused" in admitted) {
      log.warn({ address, cap: admitted.refused }, "refused handshake: too many unauthenticated sockets");
      return rejectUpgrade(socket, admitted.refused === "total" ? 503 : 429, admitted.refused === "total" ? "Service Unavailable" : "Too Many Requests");
    }
    // Released when the socket is ready or closes, whichever is first; the listener goes with
    // it, so an authenticated socket keeps nothing of its handshake.
    const release = () => {
      socket.removeListener("close", release);
      admitted.release();
    };
    socket.on("close", release);
    const version = requestedProtocol(url.searchParams.get("v"));
    if (version === null) {
      // The close code is the contract, so the upgrade completes and the socket closes at once.
      return wss.handleUpgrade(req, socket, head, (ws) => {
        release();
        ws.close(CloseCode.UNSUPPORTED_PROTOCOL, `unsupported protocol version; this server speaks ${SUPPORTED_PROTOCOLS.min}–${SUPPORTED_PROTOCOLS.max}`);
      });
    }
    const credential = credentialFrom(
      { authorization: req.headers.authorization, cookie: req.headers.cookie },
      url.searchParams.get("token"),
    );
    wss.handleUpgrade(req, socket, head, (ws) => {
      attachTransport(ws, socket);
      onSocket(ws, credential, match[1], release);
    });
  });

  function onSocket(ws: WebSocket, credential: string | undefined, initialRoom: string | undefined, releasePending: () => void): void {
    const conn = new Connection(ws, log, new FrameBudgets(config.FRAME_RATE_SCALE), config.FRAME_TIMEOUT_MS, runtime.metrics);
    connections.add(conn);
    runtime.metrics.sockets.inc({ state: "pending" });
    // Frames can arrive while the credential is being verified: buffer them, in order. Every
    // closure below shares this function's scope for the socket's whole life, so what is needed
    // only until the socket is ready (this buffer, the credential, the auth timer, the handshake's
    // release) is dropped then.
    let early: Array<{ data: RawData; isBinary: boolean }> | undefined = [];

    ws.on("pong", () => {
      conn.alive = true;
    });
    ws.on("error", (err) => log.debug({ err: err.message, conn: conn.id }, "socket error"));
    ws.on("close", () => {
      clearTimeout(authTimer);
      connections.delete(conn);
      runtime.metrics.sockets.dec({ state: conn.identity ? "authenticated" : "pending" });
      if (conn.identity) {
        void runtime.sockets.release(conn.userId, conn.id);
        void presence.disconnect(conn.userId, conn.id);
        void registry.removeUser(conn);
      }
      for (const room of conn.followedRooms()) void registry.remove(room, conn);
      conn.clearRooms();
    });
    ws.on("message", (data, isBinary) => {
      if (early) {
        early.push({ data, isBinary });
        return;
      }
      onFrame(conn, data, isBinary, authenticated);
    });

    let authTimer: NodeJS.Timeout | undefined = setTimeout(() => ws.close(CloseCode.UNAUTHENTICATED, "authentication timed out"), AUTH_TIMEOUT_MS);

    conn.initialRoom = initialRoom;
    const authenticated = async (identity: Identity) => {
      clearTimeout(authTimer);
      authTimer = undefined;
      releasePending();
      releasePending = released;
      if (!(await runtime.sockets.claim(identity.userId, conn.id))) {
        ws.close(CloseCode.RATE_LIMITED, `too many connections (at most ${config.MAX_SOCKETS_PER_USER} per user)`);
        return;
      }
      if (ws.readyState !== ws.OPEN) {
        // Closed while the claim was being counted: the close handler did not know to release it.
        void runtime.sockets.release(identity.userId, conn.id);
        return;
      }
      conn.identity = identity;
      runtime.metrics.sockets.dec({ state: "pending" });
      runtime.metrics.sockets.inc({ state: "authenticated" });
      await registry.addUser(conn);
      // A revocation that arrived while this socket was being verified found no identity to
      // close; it did drop the cached answer, so this re-check reads the database.
      if (!(await isActiveUser(identity.userId))) ws.close(CloseCode.UNAUTHENTICATED, "this account was disabled");
      if (ws.readyState !== ws.OPEN) {
        // Closed while we were looking things up: the close handler may have run too early.
        void registry.removeUser(conn);
        return;
      }
      runtime.activity.record("connect", { userId: identity.userId });
      conn.send({ type: "ready", user: { id: identity.userId, username: identity.username }, session: identity.sessionId, protocol: PROTOCOL_VERSION });
      void presence.connect(identity.userId, conn.id);
      if (initialRoom) {
        conn.enqueue({ type: "join", room: initialRoom }, () => handle(ctx, conn, { type: "join", room: initialRoom }));
      }
    };

    const start = async () => {
      const token = credential;
      credential = undefined;
      if (token) {
        const identity = await verifyToken(token);
        if (!identity) return ws.close(CloseCode.UNAUTHENTICATED, "invalid or expired credentials");
        await authenticated(identity);
      }
      const buffered = early ?? [];
      early = undefined;
      for (const { data, isBinary } of buffered) onFrame(conn, data, isBinary, authenticated);
    };
    start().catch((err: unknown) => {
      log.error({ err, conn: conn.id }, "socket start-up failed");
      ws.close(CloseCode.INTERNAL, "internal error");
    });
  }

  function onFrame(conn: Connection, data: RawData, isBinary: boolean, authenticated: (identity: Identity) => Promise<void>): void {
    const ws = conn.socket;
    const msgpack = ws.protocol === MSGPACK_SUBPROTOCOL;
    if (!msgpack && rawLength(data) > MAX_FRAME_BYTES) {
      ws.close(CloseCode.TOO_BIG, "frame too big");
      return;
    }
    if (isBinary !== msgpack) {
      conn.sendError(
        new AppError("INVALID", msgpack ? `this socket speaks ${MSGPACK_SUBPROTOCOL}: send binary MessagePack frames` : "binary frames are not supported; send JSON text"),
      );
      return;
    }
    const parsed = msgpack ? decodeBinaryFrame(data) : parseClientFrame(data.toString());
    if (!conn.identity) {
      // Only an `auth` frame may come first; a socket cannot be used anonymously.
      if (!parsed.ok || parsed.frame.type !== "auth") {
        ws.close(CloseCode.UNAUTHENTICATED, "authenticate first");
        return;
      }
      const { token } = parsed.frame;
      conn.enqueue(parsed.frame, async () => {
        if (conn.identity) return;
        const identity = await verifyToken(token);
        if (!identity) return void ws.close(CloseCode.UNAUTHENTICATED, "invalid or expired credentials");
        await authenticated(identity);
      });
      return;
    }
    if (!parsed.ok) {
      conn.sendError(new AppError("INVALID", parsed.message, { field: parsed.field }), parsed.ref);
      return;
    }
    const frame = parsed.frame;
    conn.enqueue(frame, () => handle(ctx, conn, frame));
  }

  const heartbeat = new HeartbeatSweep<Connection>({
    intervalMs: config.HEARTBEAT_MS,
    perTurn: config.HEARTBEAT_SOCKETS_PER_TURN,
    members: connections,
    beat(conn, mayDrop) {
      if (!conn.alive && mayDrop) return conn.socket.terminate();
      conn.alive = false;
      conn.socket.ping();
    },
    graced: (lateMs) => log.warn({ late_ms: lateMs }, "event loop lagged; heartbeat gives sockets a grace round"),
  });
  heartbeat.start();

  return {
    registry,
    async close() {
      closing = true;
      heartbeat.stop();
      runtime.standing = undefined;
      standing.close();
      const open = [...connections];
      await Promise.all(
        open.map(async (conn) => {
          await Promise.race([conn.drain(), delay(5_000)]);
          await new Promise<void>((resolve) => {
            if (conn.socket.readyState === conn.socket.CLOSED) return resolve();
            conn.socket.once("close", () => resolve());
            conn.socket.close(CloseCode.GOING_AWAY, "server shutting down");
            setTimeout(() => {
              conn.socket.terminate();
              resolve();
            }, 3_000).unref();
          });
        }),
      );
      wss.close();
      await presence.close();
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const released = () => {};

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The `v` a client asked for: absent means the current version; null when unsupported. */
function requestedProtocol(raw: string | null): number | null {
  if (raw === null) return PROTOCOL_VERSION;
  if (!/^\d{1,6}$/.test(raw)) return null;
  const version = Number(raw);
  return version >= SUPPORTED_PROTOCOLS.min && version <= SUPPORTED_PROTOCOLS.max ? version : null;
}
