/**
 * Baseline 1: a minimal raw `ws` broadcast server speaking the subset of Confab's wire
 * contract the bench uses (token auth → ready, join → joined + replay, send → ack after the
 * in-memory store, message to the other members, ping → pong). One encode per broadcast.
 *
 *   PORT=0 node --import tsx bench/baselines/raw-ws.ts
 */
import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { Store, announceListening, listenPort, type User } from "./store";

const store = new Store();
const members = new Map<string, Set<WebSocket>>();

interface ClientFrame {
  type?: unknown;
  id?: unknown;
  room?: unknown;
  since?: unknown;
  content?: unknown;
}

const http = createServer((req, res) => {
  if (!store.handleHttp(req, res)) {
    res.writeHead(404);
    res.end();
  }
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });

http.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname !== "/ws") return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const user = store.userForToken(url.searchParams.get("token"));
    if (!user) return ws.close(4001, "unauthenticated");
    serve(ws, user);
  });
});

function serve(ws: WebSocket, user: User): void {
  const joined = new Set<string>();
  const send = (frame: object) => ws.send(JSON.stringify(frame));
  send({ type: "ready", user, session: "raw", protocol: 1 });
  ws.on("message", (data) => {
    let frame: ClientFrame;
    try {
      frame = JSON.parse(data.toString()) as ClientFrame;
    } catch {
      return ws.close(1007, "bad JSON");
    }
    const room = typeof frame.room === "string" ? frame.room : "";
    const ref = typeof frame.id === "string" ? frame.id : undefined;
    switch (frame.type) {
      case "join": {
        if (!store.hasRoom(room)) return send({ type: "error", ref, code: "NOT_FOUND", message: "room", retryable: false });
        joined.add(room);
        let set = members.get(room);
        if (!set) members.set(room, (set = new Set()));
        set.add(ws);
        send({ type: "joined", ...(ref ? { ref } : {}), room, seq: store.seqOf(room), members: [], typing: [], reads: {} });
        if (typeof frame.since === "number") {
          const { messages, gap } = store.replay(room, frame.since);
          if (gap) send({ type: "gap", room, ...gap });
          for (const message of messages) send({ type: "message", room, message });
        }
        return;
      }
      case "send": {
        if (!ref || typeof frame.content !== "string") return send({ type: "error", ref, code: "INVALID", message: "send needs id and content", retryable: false });
        if (!joined.has(room)) return send({ type: "error", ref, code: "NOT_IN_ROOM", message: "join first", retryable: false });
        const message = store.append(room, user, ref, frame.content)!;
        send({ type: "ack", ref, message });
        const encoded = JSON.stringify({ type: "message", room, message });
        for (const peer of members.get(room) ?? []) if (peer !== ws) peer.send(encoded);
        return;
      }
      case "ping":
        return send({ type: "pong", ...(ref ? { ref } : {}), ts: Date.now() });
      default:
        return send({ type: "error", ref, code: "INVALID", message: "unknown type", retryable: false });
    }
  });
  ws.on("close", () => {
    for (const room of joined) members.get(room)?.delete(ws);
  });
}

http.listen(listenPort(), "127.0.0.1", () => {
  const address = http.address();
  announceListening(typeof address === "object" && address ? address.port : 0);
});
process.on("SIGTERM", () => process.exit(0));
