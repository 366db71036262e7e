/**
 * One benchmark client: a socket speaking Confab's public wire contract (also spoken by the
 * raw `ws` baseline) or the Socket.IO baseline's events, behind one interface. It keeps what
 * the scenarios check: per-room seqs seen (gaps, duplicates, catch-up) and callbacks for acks
 * and deliveries.
 */
import WebSocket from "ws";
import { io, type Socket } from "socket.io-client";
import type { Protocol } from "../systems";

export interface WireMessage {
  id: string;
  room: string;
  seq: number;
  sender: string;
  content: string;
}

interface Frame {
  type: string;
  ref?: string;
  room?: string;
  seq?: number;
  code?: string;
  message?: WireMessage;
  from?: number;
  to?: number;
}

/** Absolute wall-clock milliseconds with sub-ms resolution, comparable across worker threads. */
export const now = (): number => performance.timeOrigin + performance.now();

export interface ClientSpec {
  key: number;
  url: string;
  token: string;
  userId: string;
  rooms: string[];
}

export interface RoomTrack {
  /** Highest seq such that every seq 1..contiguous was seen (from `since` on, if joined with one). */
  contiguous: number;
  /** Seqs seen above `contiguous` (out of order), waiting for the hole below them. */
  ahead: Set<number>;
  duplicates: number;
  gapFrames: number;
  /** The seq in the last `joined`; the replay is complete when contiguous reaches it. */
  joinedSeq: number;
  caughtUpAt: number | null;
  /** Joined with `since`: the server replays from there; otherwise history before the join is not ours. */
  replaying: boolean;
  /**
   * Seqs (above, upTo] that a join without `since` covered: Confab still delivers, after
   * `joined`, the ones committed while the join ran (a new member's own "joined" line, others'
   * sends). Each is a first delivery; only a second one is a duplicate.
   */
  joinCovered: { above: number; upTo: number; seen: Set<number> } | null;
}

export interface Handlers {
  onAck(client: BenchClient, ref: string, message: WireMessage): void;
  onMessage(client: BenchClient, message: WireMessage): void;
  onError(client: BenchClient, ref: string | undefined, code: string): void;
}

const CONNECT_TIMEOUT_MS = 30_000;

export class BenchClient {
  readonly track = new Map<string, RoomTrack>();
  open = false;
  private ws: WebSocket | null = null;
  private sio: Socket | null = null;
  private joinWaiters = new Map<string, { resolve: (seq: number) => void; reject: (err: Error) => void }>();
  private joinCounter = 0;

  constructor(
    readonly spec: ClientSpec,
    private readonly protocol: Protocol,
    private readonly handlers: Handlers,
  ) {}

  /** Opens the socket and resolves once the server said `ready`. */
  connect(): Promise<void> {
    return this.protocol === "socketio" ? this.connectSocketIo() : this.connectWs();
  }

  private connectWs(): Promise<void> {
    const url = `${this.spec.url.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(this.spec.token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
    this.ws = ws;
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => fail(new Error("no ready in time")), CONNECT_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        if (!ready) reject(err);
        ws.terminate();
      };
      ws.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (!ready && frame.type === "ready") {
          ready = true;
          this.open = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        this.onFrame(frame);
      });
      ws.on("error", (err) => fail(err));
      ws.on("unexpected-response", (_req, res) => fail(new Error(`handshake refused: ${res.statusCode}`)));
      ws.on("close", (code) => {
        // A socket replaced by a reconnect must not mark its successor closed.
        if (this.ws === ws) this.closed();
        fail(new Error(`closed ${code} before ready`));
      });
    });
  }

  private connectSocketIo(): Promise<void> {
    const socket = io(this.spec.url, {
      transports: ["websocket"],
      auth: { token: this.spec.token },
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
    });
    this.sio = socket;
    socket.on("message", (frame: Frame) => this.onFrame(frame));
    socket.on("gap", (frame: Frame) => this.onFrame(frame));
    return new Promise((resolve, reject) => {
      socket.once("ready", () => {
        this.open = true;
        resolve();
      });
      socket.once("connect_error", (err) => reject(err));
      socket.on("disconnect", () => this.closed());
    });
  }

  /** Joins a room (with `since` to replay what was missed); resolves with the room's seq. */
  join(room: string, since?: number): Promise<number> {
    const track = this.track.get(room) ?? { contiguous: since ?? 0, ahead: new Set(), duplicates: 0, gapFrames: 0, joinedSeq: 0, caughtUpAt: null, replaying: false, joinCovered: null };
    this.track.set(room, track);
    track.caughtUpAt = null;
    track.replaying = since !== undefined;
    track.joinCovered = null;
    const frame = { type: "join", room, ...(since !== undefined ? { since } : {}) };
    if (this.sio) {
      return new Promise((resolve, reject) => {
        this.sio!.timeout(CONNECT_TIMEOUT_MS).emit("join", frame, (err: Error | null, answer: Frame) => {
          if (err) return reject(err);
          if (answer.type !== "joined") return reject(new Error(`join refused: ${answer.code}`));
          this.joined(room, answer.seq ?? 0);
          resolve(answer.seq ?? 0);
        });
      });
    }
    const id = joinId(this.spec.key, this.joinCounter++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.joinWaiters.delete(id);
        reject(new Error("no joined in time"));
      }, CONNECT_TIMEOUT_MS);
      this.joinWaiters.set(id, {
        resolve: (seq) => {
          clearTimeout(timer);
          resolve(seq);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.ws!.send(JSON.stringify({ ...frame, id }));
    });
  }

  send(room: string, id: string, content: string): void {
    const frame = { type: "send", id, room, content };
    if (this.sio) {
      this.sio.emit("send", frame, (answer: Frame) => this.onFrame(answer.type === "error" ? { ...answer, ref: id } : answer));
      return;
    }
    this.ws?.send(JSON.stringify(frame));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.sio) {
        this.sio.disconnect();
        return resolve();
      }
      const ws = this.ws;
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 5_000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close();
    });
  }

  private closed(): void {
    this.open = false;
    for (const waiter of this.joinWaiters.values()) waiter.reject(new Error("socket closed"));
    this.joinWaiters.clear();
  }

  private joined(room: string, seq: number): void {
    const track = this.track.get(room)!;
    track.joinedSeq = seq;
    if (!track.replaying && track.contiguous < seq) {
      track.joinCovered = { above: track.contiguous, upTo: seq, seen: new Set([...track.ahead].filter((s) => s <= seq)) };
      track.contiguous = seq;
      for (const s of track.ahead) if (s <= seq) track.ahead.delete(s);
      while (track.ahead.delete(track.contiguous + 1)) track.contiguous += 1;
    }
    if (track.contiguous >= seq) track.caughtUpAt = now();
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case "joined": {
        const waiter = frame.ref ? this.joinWaiters.get(frame.ref) : undefined;
        if (!waiter || !frame.ref) return;
        this.joinWaiters.delete(frame.ref);
        this.joined(frame.room!, frame.seq ?? 0);
        waiter.resolve(frame.seq ?? 0);
        return;
      }
      case "message": {
        const message = frame.message!;
        // Confab echoes a sender's own message besides its ack: not a duplicate.
        this.see(message.room, message.seq, message.sender === this.spec.userId);
        this.handlers.onMessage(this, message);
        return;
      }
      case "ack":
        // The sender's own message arrives twice by design, as the ack and as the room's echo,
        // in either order (the echo can be written before the ack): neither is a duplicate.
        this.see(frame.message!.room, frame.message!.seq, true);
        this.handlers.onAck(this, frame.ref!, frame.message!);
        return;
      case "gap": {
        const track = this.track.get(frame.room!);
        if (track) track.gapFrames += 1;
        return;
      }
      case "error": {
        const waiter = frame.ref ? this.joinWaiters.get(frame.ref) : undefined;
        if (waiter && frame.ref) {
          this.joinWaiters.delete(frame.ref);
          waiter.reject(new Error(`join refused: ${frame.code}`));
          return;
        }
        this.handlers.onError(this, frame.ref, frame.code ?? "UNKNOWN");
        return;
      }
    }
  }

  private see(room: string, seq: number, own = false): void {
    const track = this.track.get(room);
    if (!track) return;
    const covered = track.joinCovered;
    if (covered && seq > covered.above && seq <= covered.upTo) {
      if (!covered.seen.has(seq)) covered.seen.add(seq);
      else if (!own) track.duplicates += 1;
      return;
    }
    if (seq <= track.contiguous || track.ahead.has(seq)) {
      if (!own) track.duplicates += 1;
      return;
    }
    if (seq === track.contiguous + 1) {
      track.contiguous = seq;
      while (track.ahead.delete(track.contiguous + 1)) track.contiguous += 1;
    } else {
      track.ahead.add(seq);
    }
    if (track.caughtUpAt === null && track.joinedSeq > 0 && track.contiguous >= track.joinedSeq) track.caughtUpAt = now();
  }
}

/** A UUID-shaped join id (Confab validates `id` as a UUID) that is unique per client and join. */
function joinId(key: number, counter: number): string {
  const hex = (key * 65_536 + counter).toString(16).padStart(12, "0").slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}
