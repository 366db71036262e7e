/**
 * The fault harness: simulated chat clients that speak the public wire contract the way
 * lib/chat-client.ts does, a recorder of every ack, error, delivery and frame wait, and the
 * comparison of acked vs stored (REST history) vs delivered that every fault scenario prints
 * and asserts on.
 *
 * Client behaviour mirrored from the real one:
 * - every send gets a client UUID and stays in the outbox until an ack (or its own broadcast)
 *   arrives; after a reconnect, and after a retryable error, it goes out again with the same id;
 * - after each (re)connect every room is re-joined with `since` = the highest seq received in it,
 *   and sends are transmitted only once their room's `joined` has arrived on that socket.
 * It does not fill holes over REST (the UI would): what a receiver did not get on its socket is
 * what the counts call missed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { parseServerFrame, type Message, type ServerFrame, type ServerFrameOf } from "@/protocol";
import { api, createRoom, registerUser, sleep, type TestUser } from "../support/client";
import type { TestServer } from "../support/server";

// ---------------------------------------------------------------------------------------------
// Recorder

type FrameKind = "send" | "join";

/** How a frame that expects an answer ended: answered, cut off by its socket closing, or still waiting. */
type WaitOutcome = "answered" | "closed" | "pending";

interface Delivery {
  room: string;
  seq: number;
  id: string;
  clientId: string;
  /** Global arrival order across every receiver. */
  order: number;
  /** Which connection of the receiver it arrived on (1 = the first). */
  session: number;
}

export interface ErrorRecord {
  client: string;
  kind: FrameKind | "unsolicited";
  code: string;
  retryable: boolean;
  message: string;
}

/** Everything the simulated clients saw, kept raw so the comparison can be done at the end. */
export class Recorder {
  /** client id → every ack received for it (more than one: the retry was answered again). */
  readonly acks = new Map<string, Message[]>();
  /** client id → the room and sender it was sent as. */
  readonly sent = new Map<string, { room: string; client: string }>();
  readonly deliveries = new Map<string, Delivery[]>();
  /** receiver → room → seq of the room when the receiver first joined it (it expects everything after). */
  readonly baselines = new Map<string, Map<string, number>>();
  readonly errors: ErrorRecord[] = [];
  readonly waits: Array<{ client: string; kind: FrameKind; ms: number; outcome: WaitOutcome }> = [];
  readonly gapFrames: Array<{ client: string; room: string; from: number; to: number }> = [];
  /** receiver → number of sockets it opened (1 = never reconnected). */
  readonly sessions = new Map<string, number>();
  /** receiver → close codes of its sockets. */
  readonly closes = new Map<string, number[]>();
  malformedFrames = 0;
  private arrivals = 0;

  noteSent(clientId: string, room: string, client: string): void {
    this.sent.set(clientId, { room, client });
  }

  noteAck(clientId: string, message: Message): void {
    const list = this.acks.get(clientId) ?? [];
    list.push(message);
    this.acks.set(clientId, list);
  }

  noteDelivery(receiver: string, session: number, message: Message): void {
    const list = this.deliveries.get(receiver) ?? [];
    list.push({ room: message.room, seq: message.seq, id: message.id, clientId: message.client_id, order: this.arrivals++, session });
    this.deliveries.set(receiver, list);
  }

  noteBaseline(receiver: string, room: string, seq: number): void {
    const rooms = this.baselines.get(receiver) ?? new Map<string, number>();
    if (!rooms.has(room)) rooms.set(room, seq);
    this.baselines.set(receiver, rooms);
  }

  noteSession(receiver: string): number {
    const n = (this.sessions.get(receiver) ?? 0) + 1;
    this.sessions.set(receiver, n);
    return n;
  }

  noteClose(receiver: string, code: number): void {
    this.closes.set(receiver, [...(this.closes.get(receiver) ?? []), code]);
  }
}

// ---------------------------------------------------------------------------------------------
// Simulated client

export interface SimClientOptions {
  name: string;
  user: TestUser;
  rooms: readonly string[];
  /** ws URLs to try in order of preference; read again on every reconnect. */
  endpoints: () => readonly string[];
  recorder: Recorder;
  /** Reconnect when the socket closes (default). A listener that must stay connected sets false. */
  reconnect?: boolean;
  /** Wait before a retry when the error names no retry_after_ms (the real client waits 2 s). */
  retryDelayMs?: number;
}

interface OutboxEntry {
  id: string;
  room: string;
  content: string;
  /** done: acked, or seen in its own broadcast; failed: a non-retryable error. */
  state: "pending" | "done" | "failed";
  retryTimer?: ReturnType<typeof setTimeout>;
}

interface Session {
  ws: WebSocket;
  n: number;
  ready: boolean;
  openedAt: number;
  joined: Set<string>;
  /** Frames sent that expect an answer: frame id → kind and when it went out. */
  inflight: Map<string, { kind: FrameKind; at: number; room: string }>;
}

const RECONNECT_DELAY_MS = 200;
const HANDSHAKE_TIMEOUT_MS = 3000;

export class SimClient {
  readonly name: string;
  private readonly outbox = new Map<string, OutboxEntry>();
  /** room → highest seq received (the `since` of the next join). */
  private readonly maxSeq = new Map<string, number>();
  private session: Session | null = null;
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private firstJoined: Promise<void>;
  private resolveFirstJoined!: () => void;
  private readonly everJoined = new Set<string>();

  constructor(private readonly opts: SimClientOptions) {
    this.name = opts.name;
    this.firstJoined = new Promise((resolve) => (this.resolveFirstJoined = resolve));
  }

  /** Connects and resolves once every room is joined (rejects after `timeoutMs`). */
  async start(timeoutMs = 60_000): Promise<void> {
    this.connectSoon(0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const errors = this.opts.recorder.errors.filter((e) => e.client === this.name).map((e) => `${e.kind}:${e.code} ${e.message}`);
        reject(new Error(`${this.name} joined ${this.everJoined.size} of ${this.opts.rooms.length} rooms in ${timeoutMs} ms; errors: ${JSON.stringify(errors)}`));
      }, timeoutMs);
    });
    try {
      await Promise.race([this.firstJoined, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get connected(): boolean {
    return this.session?.ready ?? false;
  }

  /** Sends unacknowledged messages still in the outbox (not failed). */
  get pending(): number {
    let n = 0;
    for (const entry of this.outbox.values()) if (entry.state === "pending") n++;
    return n;
  }

  get failed(): number {
    let n = 0;
    for (const entry of this.outbox.values()) if (entry.state === "failed") n++;
    return n;
  }

  /** Queues a message; it goes out now if its room is joined, else after the next join. */
  send(room: string, content: string): string {
    const entry: OutboxEntry = { id: randomUUID(), room, content, state: "pending" };
    this.outbox.set(entry.id, entry);
    this.opts.recorder.noteSent(entry.id, room, this.name);
    this.transmit(entry);
    return entry.id;
  }

  /** Closes the socket for good; frames still waiting are recorded as pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.outbox.values()) clearTimeout(entry.retryTimer);
    const session = this.session;
    if (!session) return;
    const now = Date.now();
    for (const [, f] of session.inflight) this.opts.recorder.waits.push({ client: this.name, kind: f.kind, ms: now - f.at, outcome: "pending" });
    session.inflight.clear();
    if (session.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => session.ws.once("close", () => resolve()));
    session.ws.close();
    await Promise.race([closed, sleep(2000)]);
    session.ws.terminate();
  }

  /** Where this client stands, for failure messages: its socket, its joins, its outbox. */
  describe(now = Date.now()): string {
    const session = this.session;
    const socket = !session
      ? "no socket"
      : !session.ready
        ? `socket ${session.n} open ${((now - session.openedAt) / 1000).toFixed(1)} s without ready`
        : `socket ${session.n} ready, ${session.joined.size}/${this.opts.rooms.length} rooms joined, ${session.inflight.size} frames unanswered`;
    return `${this.name}: ${socket}, ${this.pending} sends pending`;
  }

  /** Oldest wait of a frame still unanswered on the current socket, in ms (0 when none). */
  oldestInflightMs(now = Date.now()): number {
    let oldest = 0;
    for (const f of this.session?.inflight.values() ?? []) oldest = Math.max(oldest, now - f.at);
    return oldest;
  }

  private connectSoon(delayMs: number): void {
    if (this.stopped || this.connecting) return;
    this.connecting = (async () => {
      if (delayMs) await sleep(delayMs);
      while (!this.stopped) {
        for (const url of this.opts.endpoints()) {
          if (this.stopped) break;
          const opened = await open(url, this.opts.user.token, (ws) => (this.stopped ? ws.terminate() : this.attach(ws))).then(
            () => true,
            () => false,
          );
          if (opened) return;
        }
        await sleep(RECONNECT_DELAY_MS + Math.random() * RECONNECT_DELAY_MS);
      }
    })().finally(() => {
      this.connecting = null;
    });
  }

  private attach(ws: WebSocket): void {
    const session: Session = { ws, n: this.opts.recorder.noteSession(this.name), ready: false, openedAt: Date.now(), joined: new Set(), inflight: new Map() };
    this.session = session;
    ws.on("message", (data) => {
      const frame = parseServerFrame(data.toString());
      if (!frame) {
        this.opts.recorder.malformedFrames++;
        return;
      }
      this.onFrame(session, frame);
    });
    ws.on("error", () => {});
    ws.once("close", (code) => {
      this.opts.recorder.noteClose(this.name, code);
      const now = Date.now();
      for (const [, f] of session.inflight) this.opts.recorder.waits.push({ client: this.name, kind: f.kind, ms: now - f.at, outcome: "closed" });
      session.inflight.clear();
      if (this.session === session) this.session = null;
      if (this.opts.reconnect !== false) this.connectSoon(RECONNECT_DELAY_MS);
    });
  }

  private onFrame(session: Session, frame: ServerFrame): void {
    const recorder = this.opts.recorder;
    switch (frame.type) {
      case "ready":
        session.ready = true;
        for (const room of this.opts.rooms) this.join(session, room);
        return;
      case "joined":
        this.answered(session, frame.ref);
        session.joined.add(frame.room);
        recorder.noteBaseline(this.name, frame.room, frame.seq);
        if (!this.everJoined.has(frame.room)) {
          this.everJoined.add(frame.room);
          if (this.everJoined.size === this.opts.rooms.length) this.resolveFirstJoined();
        }
        for (const entry of this.outbox.values()) if (entry.room === frame.room) this.transmit(entry);
        return;
      case "message":
        return this.onMessage(session, frame.message);
      case "ack":
        return this.onAck(session, frame);
      case "gap":
        recorder.gapFrames.push({ client: this.name, room: frame.room, from: frame.from, to: frame.to });
        return;
      case "error":
        return this.onError(session, frame);
      default:
        return;
    }
  }

  private onMessage(session: Session, message: Message): void {
    this.opts.recorder.noteDelivery(this.name, session.n, message);
    this.maxSeq.set(message.room, Math.max(this.maxSeq.get(message.room) ?? 0, message.seq));
    // Like the real client: our own message coming back settles the outbox entry too.
    const own = message.sender === this.opts.user.id ? this.outbox.get(message.client_id) : undefined;
    if (own && own.state === "pending") this.settle(own, "done");
  }

  private onAck(session: Session, frame: ServerFrameOf<"ack">): void {
    this.answered(session, frame.ref);
    const entry = this.outbox.get(frame.ref);
    if (!entry) return;
    this.opts.recorder.noteAck(frame.ref, frame.message);
    if (entry.state === "pending") this.settle(entry, "done");
  }

  private onError(session: Session, frame: ServerFrameOf<"error">): void {
    const kind = this.answered(session, frame.ref);
    this.opts.recorder.errors.push({ client: this.name, kind: kind?.kind ?? "unsolicited", code: frame.code, retryable: frame.retryable, message: frame.message });
    if (!kind || !frame.ref) return;
    const delay = frame.retry_after_ms ?? this.opts.retryDelayMs ?? 2000;
    if (kind.kind === "join") {
      if (frame.retryable) setTimeout(() => this.session === session && this.join(session, kind.room), delay);
      return;
    }
    const entry = this.outbox.get(frame.ref);
    if (!entry || entry.state !== "pending") return;
    if (!frame.retryable) return this.settle(entry, "failed");
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      this.transmit(entry);
    }, delay);
  }

  private join(session: Session, room: string): void {
    const id = randomUUID();
    session.inflight.set(id, { kind: "join", at: Date.now(), room });
    session.ws.send(JSON.stringify({ type: "join", id, room, since: this.maxSeq.get(room) ?? 0 }));
  }

  private transmit(entry: OutboxEntry): void {
    const session = this.session;
    if (entry.state !== "pending" || entry.retryTimer || !session?.ready || !session.joined.has(entry.room)) return;
    if (session.inflight.has(entry.id) || session.ws.readyState !== WebSocket.OPEN) return;
    session.inflight.set(entry.id, { kind: "send", at: Date.now(), room: entry.room });
    session.ws.send(JSON.stringify({ type: "send", id: entry.id, room: entry.room, content: entry.content }));
  }

  private answered(session: Session, ref: string | undefined) {
    if (!ref) return undefined;
    const f = session.inflight.get(ref);
    if (!f) return undefined;
    session.inflight.delete(ref);
    this.opts.recorder.waits.push({ client: this.name, kind: f.kind, ms: Date.now() - f.at, outcome: "answered" });
    return f;
  }

  private settle(entry: OutboxEntry, state: "done" | "failed"): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    entry.state = state;
  }
}

/**
 * Opens a socket and hands it to `onOpen` inside the `open` event itself: the server's first
 * frames can arrive in the same read as the handshake response and are emitted before any
 * promise continuation runs, so listeners attached after an `await` would miss `ready`.
 */
function open(url: string, token: string, onOpen: (ws: WebSocket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    ws.once("open", () => {
      onOpen(ws);
      resolve();
    });
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => {
      ws.terminate();
      reject(new Error(`handshake refused: ${res.statusCode}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Load

export interface LoadOptions {
  senders: readonly SimClient[];
  rooms: readonly string[];
  /** Messages per second across all senders. */
  rate: number;
  durationMs: number;
  /** Runs once, `atMs` after the load started, while the load goes on. */
  fault?: { atMs: number; run: () => Promise<void> };
}

/**
 * Sends `rate` messages per second for `durationMs` in bursts: every sender sends one message
 * at the same moment, spread over the rooms, so appends to one room from different sockets
 * (and instances) overlap, which is what exposes ordering faults. The fault runs in the
 * middle; resolves when both the load and the fault are over.
 */
export async function runLoad({ senders, rooms, rate, durationMs, fault }: LoadOptions): Promise<void> {
  const started = Date.now();
  const burstEveryMs = (senders.length * 1000) / rate;
  const bursts = Math.max(1, Math.round(durationMs / burstEveryMs));
  let faultDone: Promise<void> | undefined;
  for (let burst = 0; burst < bursts; burst++) {
    const wait = started + burst * burstEveryMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (fault && !faultDone && Date.now() - started >= fault.atMs) faultDone = fault.run();
    for (const [i, sender] of senders.entries()) {
      sender.send(rooms[(burst + i) % rooms.length]!, `${sender.name} #${burst}`);
    }
  }
  await (faultDone ?? fault?.run());
}

/**
 * Polls until every sender's outbox is settled (acked or failed), or `timeoutMs` passed.
 * Resolves with where each client that still has pending sends stands (empty when all settled).
 */
export async function drain(clients: readonly SimClient[], timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  while (clients.some((c) => c.pending > 0) && performance.now() < deadline) await sleep(100);
  return clients.filter((c) => c.pending > 0).map((c) => c.describe());
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Every stored message of `room` in seq order, paged over REST (retried while the server recovers). */
export async function fetchStored(baseUrl: () => string, token: string, room: string): Promise<Message[]> {
  const all: Message[] = [];
  let after = 0;
  for (let attempt = 0; ; ) {
    const res = await api<{ messages: Message[] }>(baseUrl(), "GET", `/api/rooms/${room}/messages?after=${after}&limit=200`, { token }).catch(
      (err: unknown) => ({ status: 0, body: { messages: [] as Message[] }, err }),
    );
    if (res.status !== 200) {
      if (++attempt > 50) throw new Error(`history of ${room}: ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(200);
      continue;
    }
    all.push(...res.body.messages);
    if (res.body.messages.length < 200) return all;
    after = res.body.messages.at(-1)!.seq;
  }
}

export interface Counts {
  /** distinct client ids queued by senders */
  sent: number;
  acked: number;
  stored: number;
  /** acked but not stored */
  lost: number;
  /** client ids stored more than once, plus acks that named a different message than the one stored */
  storedTwice: number;
  ackMismatch: number;
  /** stored but never acked (the sender gave up, or only saw its own broadcast) */
  storedUnacked: number;
  /** sends that ended in a non-retryable error */
  failed: number;
  /** sends never settled when the scenario ended */
  unsettled: number;
  /** deliveries of a message id a receiver already had */
  deliveredTwice: number;
  /** deliveries with a lower seq than one the receiver already had in that room */
  outOfOrder: number;
  /** stored messages after a receiver's first join that it never received on its socket */
  missed: number;
  gapFrames: number;
  /** sockets opened beyond the first, over all clients */
  reconnects: number;
  errors: Record<string, number>;
  nonRetryableErrors: number;
  /** longest wait of a frame for its answer (answered, cut off by a close, or still pending) */
  maxWaitMs: number;
  /** frames whose socket closed before their answer came (allowed: the client resends) */
  unanswered: number;
  /** frames still unanswered on an open socket when the scenario ended */
  stuck: number;
  malformedFrames: number;
}

/**
 * Compares what was acked, what is stored and what each receiver got. `stored` is each room's
 * full history; `receivers` are the clients whose deliveries are checked (everyone, or only the
 * live listeners of a scenario).
 */
export function compare(
  recorder: Recorder,
  stored: ReadonlyMap<string, readonly Message[]>,
  receivers: readonly Pick<SimClient, "name">[],
  clients: readonly Pick<SimClient, "pending" | "failed">[],
): Counts {
  const storedByClientId = new Map<string, Message[]>();
  let storedCount = 0;
  for (const messages of stored.values()) {
    for (const m of messages) {
      // The room's own lines (members joining) are not sends: they are checked as deliveries only.
      if (m.kind === "system") continue;
      storedCount++;
      const key = `${m.room}|${m.sender}|${m.client_id}`;
      storedByClientId.set(key, [...(storedByClientId.get(key) ?? []), m]);
    }
  }
  const storedOf = (clientId: string, ack: Message) => storedByClientId.get(`${ack.room}|${ack.sender}|${clientId}`) ?? [];

  let lost = 0;
  let ackMismatch = 0;
  for (const [clientId, acks] of recorder.acks) {
    const rows = storedOf(clientId, acks[0]!);
    if (rows.length === 0) lost++;
    else if (acks.some((a) => a.id !== rows[0]!.id || a.seq !== rows[0]!.seq)) ackMismatch++;
  }
  let storedTwice = 0;
  for (const rows of storedByClientId.values()) if (rows.length > 1) storedTwice += rows.length - 1;
  let storedUnacked = 0;
  const sentIds = new Set(recorder.sent.keys());
  for (const rows of storedByClientId.values()) {
    const clientId = rows[0]!.client_id;
    if (sentIds.has(clientId) && !recorder.acks.has(clientId)) storedUnacked++;
  }

  let deliveredTwice = 0;
  let outOfOrder = 0;
  let missed = 0;
  for (const receiver of receivers) {
    const deliveries = recorder.deliveries.get(receiver.name) ?? [];
    const seen = new Set<string>();
    const highest = new Map<string, number>();
    for (const d of deliveries) {
      if (seen.has(d.id)) {
        deliveredTwice++;
        continue;
      }
      seen.add(d.id);
      if (d.seq < (highest.get(d.room) ?? 0)) outOfOrder++;
      highest.set(d.room, Math.max(highest.get(d.room) ?? 0, d.seq));
    }
    for (const [room, baseline] of recorder.baselines.get(receiver.name) ?? []) {
      for (const m of stored.get(room) ?? []) if (m.seq > baseline && !seen.has(m.id)) missed++;
    }
  }

  const errors: Record<string, number> = {};
  for (const e of recorder.errors) {
    const key = `${e.kind}:${e.code}${e.retryable ? "" : "(final)"}`;
    errors[key] = (errors[key] ?? 0) + 1;
  }

  return {
    sent: recorder.sent.size,
    acked: recorder.acks.size,
    stored: storedCount,
    lost,
    storedTwice,
    ackMismatch,
    storedUnacked,
    failed: clients.reduce((n, c) => n + c.failed, 0),
    unsettled: clients.reduce((n, c) => n + c.pending, 0),
    deliveredTwice,
    outOfOrder,
    missed,
    gapFrames: recorder.gapFrames.length,
    reconnects: [...recorder.sessions.values()].reduce((n, s) => n + s - 1, 0),
    errors,
    nonRetryableErrors: recorder.errors.filter((e) => !e.retryable).length,
    maxWaitMs: recorder.waits.reduce((max, w) => Math.max(max, w.ms), 0),
    unanswered: recorder.waits.filter((w) => w.outcome === "closed").length,
    stuck: recorder.waits.filter((w) => w.outcome === "pending").length,
    malformedFrames: recorder.malformedFrames,
  };
}

/** Which stored seqs each receiver never got, per room (the first `limit` receivers/rooms with misses), for failure messages. */
export function describeMisses(recorder: Recorder, stored: ReadonlyMap<string, readonly Message[]>, receivers: readonly Pick<SimClient, "name">[], limit = 4): string[] {
  const lines: string[] = [];
  for (const receiver of receivers) {
    const seen = new Set((recorder.deliveries.get(receiver.name) ?? []).map((d) => d.id));
    for (const [room, baseline] of recorder.baselines.get(receiver.name) ?? []) {
      const missing = (stored.get(room) ?? []).filter((m) => m.seq > baseline && !seen.has(m.id)).map((m) => m.seq);
      if (missing.length && lines.length < limit) lines.push(`${receiver.name} room ${room.slice(0, 8)}: seq ${missing.slice(0, 10).join(",")}${missing.length > 10 ? ",…" : ""}`);
    }
  }
  return lines;
}

/** Prints one scenario's counts as a block the test log keeps (and the report quotes). */
export function printCounts(scenario: string, counts: Counts): void {
  const { errors, ...numbers } = counts;
  const lines = Object.entries(numbers).map(([k, v]) => `  ${k.padEnd(18)} ${v}`);
  const errorLine = Object.keys(errors).length ? Object.entries(errors).map(([k, v]) => `${k}=${v}`).join(" ") : "none";
  console.log(`\n[faults] ${scenario}\n${lines.join("\n")}\n  ${"errors".padEnd(18)} ${errorLine}\n`);
}

/** Waits until every receiver holds every stored message after its baseline (or the timeout). */
export async function waitForDeliveries(recorder: Recorder, stored: ReadonlyMap<string, readonly Message[]>, receivers: readonly SimClient[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const complete = () =>
    receivers.every((r) => {
      const seen = new Set((recorder.deliveries.get(r.name) ?? []).map((d) => d.id));
      return [...(recorder.baselines.get(r.name) ?? [])].every(([room, baseline]) =>
        (stored.get(room) ?? []).every((m) => m.seq <= baseline || seen.has(m.id)),
      );
    });
  while (!complete() && performance.now() < deadline) await sleep(100);
}

// ---------------------------------------------------------------------------------------------
// Set-up shared by the scenarios

/** Registers `users` users and has the first create `rooms` public rooms (fresh: seq 0). */
export async function cast(baseUrl: string, { users, rooms }: { users: number; rooms: number }): Promise<{ users: TestUser[]; rooms: string[] }> {
  // argon2 hashes on the server's thread pool, so registering everyone at once overlaps them.
  const people = await Promise.all(Array.from({ length: users }, () => registerUser(baseUrl, "fault")));
  const ids: string[] = [];
  for (let i = 0; i < rooms; i++) ids.push(await createRoom(baseUrl, people[0]!));
  return { users: people, rooms: ids };
}

/** Every room's full stored history, read through `baseUrl()` as `token`'s user. */
export async function storedHistory(baseUrl: () => string, token: string, rooms: readonly string[]): Promise<Map<string, Message[]>> {
  const entries = await Promise.all(rooms.map(async (room) => [room, await fetchStored(baseUrl, token, room)] as const));
  return new Map(entries);
}

/**
 * Asserts every guarantee of a scenario at once, so one run names each broken guarantee rather
 * than only the first. Keys describe the guarantee; values say whether it held.
 */
/**
 * The end of every scenario: let outboxes drain, read what the database stored, wait for the
 * deliveries it owes, stop the clients (frames still unanswered are recorded with their wait so
 * far) and count. `senders` default to all clients.
 */
export async function settle(
  scenario: Scenario,
  opts: {
    recorder: Recorder;
    clients: readonly SimClient[];
    senders?: readonly SimClient[];
    baseUrl: () => string;
    token: string;
    rooms: readonly string[];
    drainMs: number;
    deliveriesMs: number;
    /** Runs just before the clients stop: what stopping changes (their sockets close) is not yet recorded. */
    beforeStop?: () => void;
  },
): Promise<{ stalled: string[]; stored: Map<string, Message[]>; counts: Counts }> {
  const stalled = await drain(opts.senders ?? opts.clients, opts.drainMs);
  scenario.log("outboxes drained");
  const stored = await storedHistory(opts.baseUrl, opts.token, opts.rooms);
  await waitForDeliveries(opts.recorder, stored, opts.clients, opts.deliveriesMs);
  opts.beforeStop?.();
  await Promise.all(opts.clients.map((c) => c.stop()));
  return { stalled, stored, counts: compare(opts.recorder, stored, opts.clients, opts.senders ?? opts.clients) };
}

/** What every scenario promises about storage: nothing acked lost, nothing stored twice, every send settled. */
export const storageGuarantees = (counts: Counts, stalled: readonly string[], settled = "every send ends acked"): Record<string, boolean> => ({
  [`lost = ${counts.lost}: every acked message is stored`]: counts.lost === 0,
  [`storedTwice = ${counts.storedTwice}: retries with the same id store nothing twice`]: counts.storedTwice === 0,
  [`ackMismatch = ${counts.ackMismatch}: every ack names the stored message`]: counts.ackMismatch === 0,
  [`unsettled = ${counts.unsettled}, failed = ${counts.failed}: ${settled} ${JSON.stringify(stalled.slice(0, 5))}`]: counts.unsettled === 0 && counts.failed === 0,
  [`stored = ${counts.stored} of sent = ${counts.sent}: every queued message is stored exactly once`]: counts.stored === counts.sent,
});

/** What every scenario with live receivers promises about delivery. */
export const deliveryGuarantees = (counts: Counts): Record<string, boolean> => ({
  [`deliveredTwice = ${counts.deliveredTwice}: nothing is delivered twice to one receiver`]: counts.deliveredTwice === 0,
  [`outOfOrder = ${counts.outOfOrder}: every receiver sees each room in seq order`]: counts.outOfOrder === 0,
  [`missed = ${counts.missed}: every receiver gets every message`]: counts.missed === 0,
});

export function assertGuarantees(scenario: string, guarantees: Record<string, boolean>): void {
  const broken = Object.entries(guarantees)
    .filter(([, held]) => !held)
    .map(([what]) => what);
  assert.deepEqual(broken, [], `${scenario}: broken guarantees:\n  ${broken.join("\n  ")}`);
}

// ---------------------------------------------------------------------------------------------
// Scenario lifecycle

/**
 * One scenario's progress log and teardown. A test that times out is only told so through its
 * AbortSignal while its body keeps running, so teardown also runs on abort: clients stop
 * reconnecting and servers and services are stopped, rather than outliving the test.
 */
export class Scenario {
  private readonly teardowns: Array<() => Promise<unknown> | unknown> = [];
  private readonly servers: TestServer[] = [];
  private readonly started = Date.now();
  private tornDown: Promise<void> | undefined;

  constructor(
    readonly title: string,
    signal: AbortSignal,
  ) {
    signal.addEventListener(
      "abort",
      () => {
        // The signal also fires when a test ends normally, after its own teardown.
        if (!this.tornDown) this.log("aborted (test timeout): tearing down");
        void this.teardown();
      },
      { once: true },
    );
  }

  /** A timestamped step, so a slow or stuck run shows where its time went. */
  log(step: string): void {
    console.log(`[faults] ${this.title} +${((Date.now() - this.started) / 1000).toFixed(1)}s ${step}`);
  }

  /**
   * Registers a cleanup step; they run in reverse order of registration. Registered after the
   * teardown (a server the fault restarted after the timeout), it runs at once.
   */
  onTeardown(step: () => Promise<unknown> | unknown): void {
    if (this.tornDown) void Promise.resolve().then(step).catch(() => {});
    else this.teardowns.push(step);
  }

  /** Starts a server and stops it at teardown. */
  async server(start: () => Promise<TestServer>): Promise<TestServer> {
    const server = await start();
    this.servers.push(server);
    this.onTeardown(() => server.stop());
    return server;
  }

  /** Prints the warnings and errors each server logged (for a failed scenario). */
  dumpServerLogs(lines = 15): void {
    for (const [i, server] of this.servers.entries()) {
      const notable = server.logs.filter((l) => !l.startsWith("{") || /"level":(40|50|60)/.test(l)).slice(-lines);
      console.log(`[faults] ${this.title}: server ${i + 1} (port ${server.port}), last warnings/errors:\n  ${notable.join("\n  ") || "(none)"}`);
    }
  }

  /** Connects clients (resolving once each has joined its rooms) and stops them at teardown. */
  async connect(clients: readonly SimClient[]): Promise<void> {
    this.onTeardown(() => Promise.all(clients.map((c) => c.stop())));
    await Promise.all(clients.map((c) => c.start()));
  }

  teardown(): Promise<void> {
    this.tornDown ??= (async () => {
      for (const step of this.teardowns.reverse()) {
        try {
          await step();
        } catch (err) {
          this.log(`teardown step failed: ${String(err)}`);
        }
      }
    })();
    return this.tornDown;
  }
}
