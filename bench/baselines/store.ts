/**
 * The in-memory "store" both baselines share: users, tokens, rooms and messages with a
 * per-room gap-free seq and idempotent sends, plus the three REST routes the harness uses
 * (register, token, create room) in the same shape as Confab's. No hashing and no disk:
 * the baselines show what the wire and the fan-out cost on their own.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface StoredMessage {
  id: string;
  room: string;
  seq: number;
  sender: string;
  kind: "text";
  content: string;
  client_id: string;
  created_at: string;
}

interface Room {
  id: string;
  messages: StoredMessage[];
  byClientId: Map<string, StoredMessage>;
}

export interface User {
  id: string;
  username: string;
}

/** How many missed messages a join replays before answering with a gap (as Confab's REPLAY_LIMIT). */
const REPLAY_LIMIT = 200;

export class Store {
  private users = new Map<string, User & { password: string }>();
  private tokens = new Map<string, User>();
  private rooms = new Map<string, Room>();

  userForToken(token: string | null | undefined): User | undefined {
    return token ? this.tokens.get(token) : undefined;
  }

  hasRoom(id: string): boolean {
    return this.rooms.has(id);
  }

  seqOf(roomId: string): number {
    return this.rooms.get(roomId)?.messages.length ?? 0;
  }

  /** Appends a message unless this sender already sent `clientId` to the room; returns the stored one. */
  append(roomId: string, sender: User, clientId: string, content: string): StoredMessage | undefined {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    const key = `${sender.id}:${clientId}`;
    const existing = room.byClientId.get(key);
    if (existing) return existing;
    const message: StoredMessage = {
      id: randomUUID(),
      room: roomId,
      seq: room.messages.length + 1,
      sender: sender.id,
      kind: "text",
      content,
      client_id: clientId,
      created_at: new Date().toISOString(),
    };
    room.messages.push(message);
    room.byClientId.set(key, message);
    return message;
  }

  /** Messages after `since`, at most REPLAY_LIMIT of the newest, and the hole below them if any. */
  replay(roomId: string, since: number): { messages: StoredMessage[]; gap?: { from: number; to: number } } {
    const all = this.rooms.get(roomId)?.messages ?? [];
    const missed = all.slice(since);
    if (missed.length <= REPLAY_LIMIT) return { messages: missed };
    const kept = missed.slice(-REPLAY_LIMIT);
    return { messages: kept, gap: { from: since + 1, to: kept[0]!.seq - 1 } };
  }

  /** POST /api/register, /api/token, /api/rooms; false if the route is not one of them. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? "";
    if (req.method !== "POST" || !["/api/register", "/api/token", "/api/rooms"].includes(url)) return false;
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
      if (raw.length > 64 * 1024) req.destroy();
    });
    req.on("end", () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw || "{}") as Record<string, unknown>;
      } catch {
        return reply(res, 400, { error: { code: "INVALID", message: "bad JSON" } });
      }
      if (url === "/api/register") {
        const username = String(body.username ?? "");
        if (!username || this.users.has(username)) return reply(res, 409, { error: { code: "CONFLICT", message: "taken" } });
        const user = { id: randomUUID(), username, password: String(body.password ?? "") };
        this.users.set(username, user);
        return reply(res, 201, { id: user.id, username });
      }
      if (url === "/api/token") {
        const user = this.users.get(String(body.username ?? ""));
        if (!user || user.password !== String(body.password ?? "")) return reply(res, 401, { error: { code: "UNAUTHENTICATED", message: "wrong" } });
        const token = randomBytes(24).toString("base64url");
        this.tokens.set(token, { id: user.id, username: user.username });
        return reply(res, 200, { token, expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      }
      const auth = req.headers.authorization?.replace(/^Bearer /, "");
      if (!this.userForToken(auth)) return reply(res, 401, { error: { code: "UNAUTHENTICATED", message: "no token" } });
      const room: Room = { id: randomUUID(), messages: [], byClientId: new Map() };
      this.rooms.set(room.id, room);
      return reply(res, 201, { id: room.id, name: String(body.name ?? "") });
    });
    return true;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The same start-up line Confab logs, so one launcher finds the port of every system. */
export function announceListening(port: number): void {
  process.stdout.write(`${JSON.stringify({ level: 30, msg: "listening", port })}\n`);
}

/** Port from PORT (0 = any free port); loopback only. */
export function listenPort(): number {
  const port = Number(process.env.PORT ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad PORT ${process.env.PORT}`);
  return port;
}
