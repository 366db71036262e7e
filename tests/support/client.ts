/**
 * Real clients for tests: REST over fetch and a `ws` socket that records every frame and
 * can wait for the next one matching a predicate.
 */
import { randomUUID } from "node:crypto";
import WebSocket, { type ClientOptions } from "ws";
import type { ServerFrame } from "@/protocol";

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

let counter = 0;
export const uniqueName = (prefix = "user") => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function registerUser(base: string, prefix = "user"): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = "correct horse battery";
  const reg = await api<{ id: string }>(base, "POST", "/api/register", { body: { username, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const tok = await api<{ token: string }>(base, "POST", "/api/token", { body: { username, password } });
  if (tok.status !== 200) throw new Error(`token failed: ${tok.status}`);
  return { id: reg.body.id, username, password, token: tok.body.token };
}

export async function createRoom(base: string, user: TestUser, visibility: "public" | "private" = "public", name = uniqueName("room")) {
  const res = await api<{ id: string }>(base, "POST", "/api/rooms", { token: user.token, body: { name, visibility } });
  if (res.status !== 201) throw new Error(`create room failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

type Predicate = (frame: ServerFrame) => boolean;

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  closeCode: number | null = null;
  closeReason = "";
  private waiters: Array<{ predicate: Predicate; resolve: (f: ServerFrame) => void; from: number }> = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  /**
   * Opens a socket; resolves once open (not necessarily authenticated). `tls` reaches the
   * underlying https request (`ca` for a test certificate, `localAddress` for a source address).
   */
  static open(
    url: string,
    opts: { token?: string; origin?: string; headers?: Record<string, string>; tls?: Pick<ClientOptions, "ca" | "localAddress"> } = {},
  ): Promise<TestSocket> {
    const ws = new WebSocket(url, {
      ...opts.tls,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      ...(opts.origin ? { origin: opts.origin } : {}),
    });
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    });
  }

  /** Opens an authenticated socket and waits for `ready`. */
  static async connect(url: string, user: TestUser, tls?: Pick<ClientOptions, "ca" | "localAddress">): Promise<TestSocket> {
    const socket = await TestSocket.open(url, { token: user.token, tls });
    await socket.next((f) => f.type === "ready");
    return socket;
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits for a frame matching `predicate`, including ones already received after `fromIndex`. */
  next<T extends ServerFrame["type"]>(
    predicate: ((f: ServerFrame) => boolean) | T,
    { timeoutMs = 5000, fromIndex = 0 }: { timeoutMs?: number; fromIndex?: number } = {},
  ): Promise<ServerFrame> {
    const match: Predicate = typeof predicate === "string" ? (f) => f.type === predicate : predicate;
    const seen = this.frames.slice(fromIndex).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate: match, resolve, from: fromIndex };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for frame; got: ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
    });
  }

  /** Sends a frame with a fresh id and waits for the answer that refers to it. */
  async request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<ServerFrame> {
    const id = (frame.id as string | undefined) ?? randomUUID();
    const from = this.frames.length;
    this.send({ ...frame, id });
    return this.next((f) => "ref" in f && f.ref === id, { timeoutMs, fromIndex: from });
  }

  async join(room: string, since?: number): Promise<Extract<ServerFrame, { type: "joined" }>> {
    const from = this.frames.length;
    this.send({ type: "join", room, ...(since !== undefined ? { since } : {}) });
    const frame = await this.next((f) => (f.type === "joined" && f.room === room) || f.type === "error", { fromIndex: from });
    if (frame.type !== "joined") throw new Error(`join failed: ${JSON.stringify(frame)}`);
    return frame;
  }

  messages(room?: string) {
    return this.frames.flatMap((f) => (f.type === "message" && (!room || f.room === room) ? [f.message] : []));
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `condition` until it holds, failing after `timeoutMs` on the monotonic clock: the
 * host's wall clock can be stepped (CI once saw a 15 s wait end after 2.5 s).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, { timeoutMs = 5000, what = "condition" } = {}): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
