/**
 * Node-side helpers that speak the public contract directly (REST + /ws with a Bearer token),
 * to set up states that would be slow to click through, e.g. a long history.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { parseServerFrame, type Message, type ServerFrame } from "@/protocol";

export async function apiToken(baseURL: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseURL}/api/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A joined socket that sends messages one at a time, each after the previous one's ack. */
export class SeedSocket {
  private waiters: Array<(frame: ServerFrame) => boolean> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = parseServerFrame(data.toString());
      if (frame) this.waiters = this.waiters.filter((w) => !w(frame));
    });
  }

  static async open(baseURL: string, token: string, room: string): Promise<SeedSocket> {
    const ws = new WebSocket(`${baseURL.replace(/^http/, "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const socket = new SeedSocket(ws);
    const ready = socket.next((f) => f.type === "ready");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await ready;
    const joined = socket.next((f) => f.type === "joined" && f.room === room);
    ws.send(JSON.stringify({ type: "join", room }));
    await joined;
    return socket;
  }

  private next(match: (frame: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("seed socket: timed out waiting for a frame")), timeoutMs);
      this.waiters.push((frame) => {
        if (!match(frame)) return false;
        clearTimeout(timer);
        resolve(frame);
        return true;
      });
    });
  }

  /** Sends and waits for the ack; honours RATE_LIMITED by waiting and resending the same id. */
  async send(room: string, content: string, replyTo?: string): Promise<Message> {
    const id = randomUUID();
    for (;;) {
      const answer = this.next((f) => (f.type === "ack" || f.type === "error") && f.ref === id);
      this.ws.send(JSON.stringify({ type: "send", id, room, content, ...(replyTo ? { reply_to: replyTo } : {}) }));
      const frame = await answer;
      if (frame.type === "ack") return frame.message;
      if (frame.type === "error" && frame.retryable) {
        await new Promise((resolve) => setTimeout(resolve, frame.retry_after_ms ?? 500));
        continue;
      }
      throw new Error(`seed send failed: ${JSON.stringify(frame)}`);
    }
  }

  /** Adds a reaction and waits for the ack. */
  async react(room: string, message: string, emoji: string): Promise<void> {
    const id = randomUUID();
    const answer = this.next((f) => (f.type === "ack" || f.type === "error") && f.ref === id);
    this.ws.send(JSON.stringify({ type: "react", id, room, message, emoji, op: "add" }));
    const frame = await answer;
    if (frame.type !== "ack") throw new Error(`seed react failed: ${JSON.stringify(frame)}`);
  }

  close(): void {
    this.ws.close();
  }
}
