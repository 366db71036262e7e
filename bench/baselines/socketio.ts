/**
 * Baseline 2: a minimal Socket.IO 4 server with the same shape as Confab's protocol, in
 * Socket.IO's own idiom: token in the handshake `auth`, `ready` on connect, `join` and `send`
 * answered through acknowledgement callbacks (`joined` / `ack`), rooms and
 * `socket.to(room).emit("message")` for the fan-out. WebSocket transport only.
 *
 *   PORT=0 node --import tsx bench/baselines/socketio.ts
 */
import { createServer } from "node:http";
import { Server } from "socket.io";
import { Store, announceListening, listenPort, type User } from "./store";

const store = new Store();
const http = createServer((req, res) => {
  if (!store.handleHttp(req, res)) {
    res.writeHead(404);
    res.end();
  }
});
const io = new Server(http, { transports: ["websocket"], perMessageDeflate: false, maxHttpBufferSize: 64 * 1024, serveClient: false });

type Reply = (answer: object) => void;
interface Payload {
  id?: unknown;
  room?: unknown;
  since?: unknown;
  content?: unknown;
}

io.use((socket, next) => {
  const token: unknown = socket.handshake.auth.token;
  const user = store.userForToken(typeof token === "string" ? token : undefined);
  if (!user) return next(new Error("UNAUTHENTICATED"));
  socket.data.user = user;
  next();
});

io.on("connection", (socket) => {
  const user = socket.data.user as User;
  socket.emit("ready", { type: "ready", user, session: "socketio", protocol: 1 });
  socket.on("join", (frame: Payload, reply: Reply) => {
    const room = typeof frame.room === "string" ? frame.room : "";
    if (typeof reply !== "function") return;
    if (!store.hasRoom(room)) return reply({ type: "error", code: "NOT_FOUND", message: "room", retryable: false });
    void socket.join(room);
    reply({ type: "joined", room, seq: store.seqOf(room), members: [], typing: [], reads: {} });
    if (typeof frame.since === "number") {
      const { messages, gap } = store.replay(room, frame.since);
      if (gap) socket.emit("gap", { type: "gap", room, ...gap });
      for (const message of messages) socket.emit("message", { type: "message", room, message });
    }
  });
  socket.on("send", (frame: Payload, reply: Reply) => {
    const room = typeof frame.room === "string" ? frame.room : "";
    if (typeof reply !== "function") return;
    if (typeof frame.id !== "string" || typeof frame.content !== "string") return reply({ type: "error", code: "INVALID", message: "send needs id and content", retryable: false });
    if (!socket.rooms.has(room)) return reply({ type: "error", ref: frame.id, code: "NOT_IN_ROOM", message: "join first", retryable: false });
    const message = store.append(room, user, frame.id, frame.content)!;
    reply({ type: "ack", ref: frame.id, message });
    socket.to(room).emit("message", { type: "message", room, message });
  });
});

http.listen(listenPort(), "127.0.0.1", () => {
  const address = http.address();
  announceListening(typeof address === "object" && address ? address.port : 0);
});
process.on("SIGTERM", () => process.exit(0));
