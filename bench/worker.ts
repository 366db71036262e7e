/**
 * A harness worker thread: owns a share of the clients and runs the phases the main thread
 * asks for (connect, paced fan-out, closed-loop hot room, verification, close), reporting
 * counts and latency histograms. Clients of one room may sit in different workers: send
 * times travel in the message content as absolute wall-clock time.
 */
import { randomUUID } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { BenchClient, now, type ClientSpec, type Handlers, type WireMessage } from "./lib/client";
import { Histogram, type HistogramData } from "./lib/histogram";
import type { Protocol } from "./systems";

export interface WorkerInit {
  protocol: Protocol;
  clients: ClientSpec[];
}

export interface ConnectArgs {
  concurrency: number;
  join: boolean;
  /** Re-join each room with `since` = the last contiguous seq this client saw. */
  resume: boolean;
  /** Retry failed connects/joins (with backoff) until this absolute time; 0 = no retry. */
  retryUntil: number;
  /** Only clients whose socket is not open. */
  onlyClosed: boolean;
}

export interface ConnectResult {
  ok: number;
  failed: number;
  attempts: number;
  /** connect → ready, ms. */
  ready: HistogramData;
  /** connect → ready → every room joined, ms. */
  joined: HistogramData;
  errors: Record<string, number>;
  startedAt: number;
  finishedAt: number;
}

export interface LoadArgs {
  step: number;
  startAt: number;
  durationMs: number;
  drainMs: number;
  /** fan-out: messages per second per room, spread round-robin over the room's clients here. */
  ratePerRoom?: number;
  /** Share of a room's rate this worker sends, by room (its share of the room's members). */
  roomShare?: Record<string, number>;
  /** hot room: messages in flight per sending client. */
  window?: number;
  senders?: number;
}

export interface LoadResult {
  sent: number;
  acked: number;
  ackedInWindow: number;
  deliveredInWindow: number;
  deliveredTotal: number;
  /** Deliveries of an earlier step's messages arriving during this one (a backlog). */
  late: number;
  errors: Record<string, number>;
  ack: HistogramData;
  delivery: HistogramData;
}

export interface VerifyResult {
  clients: number;
  resumed: number;
  duplicates: number;
  gaps: number;
  gapFrames: number;
  /** From `since` (absolute ms) until each client's replay was complete. */
  caughtUp: HistogramData;
  notCaughtUp: number;
}

type Command =
  | { cmd: "connect"; args: ConnectArgs }
  | { cmd: "load"; args: LoadArgs }
  | { cmd: "verify"; args: { finalSeq: Record<string, number>; since: number } }
  | { cmd: "close" };

const init = workerData as WorkerInit;

interface StepState {
  step: number;
  windowEnd: number;
  windowStart: number;
  result: LoadResult;
  ackHist: Histogram;
  deliveryHist: Histogram;
  pending: Map<string, number>;
  onAcked?: (client: BenchClient) => void;
}

let current: StepState | null = null;

const handlers: Handlers = {
  onAck(client, ref) {
    const state = current;
    const sentAt = state?.pending.get(ref);
    if (!state || sentAt === undefined) return;
    state.pending.delete(ref);
    const t = now();
    state.result.acked += 1;
    if (t <= state.windowEnd) state.result.ackedInWindow += 1;
    state.ackHist.record(t - sentAt);
    state.onAcked?.(client);
  },
  onMessage(client, message: WireMessage) {
    if (message.sender === client.spec.userId) return;
    const state = current;
    if (!state || !message.content.startsWith("bench ")) return;
    const [, stepText, sentText] = message.content.split(" ");
    if (Number(stepText) !== state.step) {
      state.result.late += 1;
      return;
    }
    const t = now();
    state.result.deliveredTotal += 1;
    if (t >= state.windowStart && t <= state.windowEnd) state.result.deliveredInWindow += 1;
    state.deliveryHist.record(t - Number(sentText));
  },
  onError(_client, ref, code) {
    const state = current;
    if (!state) return;
    state.result.errors[code] = (state.result.errors[code] ?? 0) + 1;
    if (ref) state.pending.delete(ref);
  },
};

const clients = init.clients.map((spec) => new BenchClient(spec, init.protocol, handlers));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function connect(args: ConnectArgs): Promise<ConnectResult> {
  const ready = new Histogram();
  const joined = new Histogram();
  const errors: Record<string, number> = {};
  const queue = clients.filter((c) => !args.onlyClosed || !c.open);
  let ok = 0;
  let failed = 0;
  let attempts = 0;
  const startedAt = now();
  const one = async (client: BenchClient) => {
    for (let attempt = 0; ; attempt++) {
      attempts += 1;
      const t0 = now();
      try {
        await client.connect();
        ready.record(now() - t0);
        if (args.join) {
          for (const room of client.spec.rooms) {
            await client.join(room, args.resume ? (client.track.get(room)?.contiguous ?? 0) : undefined);
          }
        }
        joined.record(now() - t0);
        ok += 1;
        return;
      } catch (err) {
        const key = String((err as Error).message ?? err).slice(0, 60);
        errors[key] = (errors[key] ?? 0) + 1;
        await client.close();
        if (now() + 100 > args.retryUntil) {
          failed += 1;
          return;
        }
        await sleep(Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, args.concurrency) }, async () => {
      while (next < queue.length) await one(queue[next++]!);
    }),
  );
  return { ok, failed, attempts, ready: ready.toJSON(), joined: joined.toJSON(), errors, startedAt, finishedAt: now() };
}

async function load(args: LoadArgs): Promise<LoadResult> {
  const state: StepState = {
    step: args.step,
    windowStart: args.startAt,
    windowEnd: args.startAt + args.durationMs,
    result: { sent: 0, acked: 0, ackedInWindow: 0, deliveredInWindow: 0, deliveredTotal: 0, late: 0, errors: {}, ack: new Histogram().toJSON(), delivery: new Histogram().toJSON() },
    ackHist: new Histogram(),
    deliveryHist: new Histogram(),
    pending: new Map(),
  };
  current = state;
  const sendFrom = (client: BenchClient, room: string) => {
    if (!client.open) return;
    const id = randomUUID();
    const t = now();
    state.pending.set(id, t);
    state.result.sent += 1;
    client.send(room, id, `bench ${args.step} ${t.toFixed(3)}`);
  };
  await sleep(args.startAt - now());

  if (args.ratePerRoom !== undefined) {
    // Open loop: each room owes rate × elapsed messages, sent round-robin by its members here.
    const rooms = new Map<string, BenchClient[]>();
    for (const client of clients) for (const room of client.spec.rooms) rooms.set(room, [...(rooms.get(room) ?? []), client]);
    const owed = [...rooms].map(([room, members]) => ({ room, members, rate: args.ratePerRoom! * (args.roomShare?.[room] ?? 1), sent: 0 }));
    while (now() < state.windowEnd) {
      const elapsed = (now() - args.startAt) / 1000;
      for (const r of owed) {
        const due = Math.floor(elapsed * r.rate) + 1;
        while (r.sent < due) sendFrom(r.members[r.sent++ % r.members.length]!, r.room);
      }
      await sleep(5);
    }
  } else {
    // Closed loop: each sender keeps `window` sends in flight until the window ends.
    const senders = new Set(clients.slice(0, args.senders ?? clients.length));
    state.onAcked = (client) => {
      if (now() < state.windowEnd && senders.has(client)) sendFrom(client, client.spec.rooms[0]!);
    };
    for (const client of senders) for (let i = 0; i < (args.window ?? 1); i++) sendFrom(client, client.spec.rooms[0]!);
    await sleep(state.windowEnd - now());
  }

  // Drain: wait for outstanding acks, then for deliveries to stop arriving, bounded by drainMs.
  const drainEnd = now() + args.drainMs;
  while (state.pending.size > 0 && now() < drainEnd) await sleep(20);
  let last = -1;
  while (state.result.deliveredTotal !== last && now() < drainEnd) {
    last = state.result.deliveredTotal;
    await sleep(300);
  }
  current = null;
  return { ...state.result, ack: state.ackHist.toJSON(), delivery: state.deliveryHist.toJSON() };
}

function verify(finalSeq: Record<string, number>, since: number): VerifyResult {
  const caughtUp = new Histogram();
  let resumed = 0;
  let duplicates = 0;
  let gaps = 0;
  let gapFrames = 0;
  let notCaughtUp = 0;
  for (const client of clients) {
    let complete = client.open;
    let latest = 0;
    for (const room of client.spec.rooms) {
      const track = client.track.get(room);
      const final = finalSeq[room] ?? 0;
      if (!track) {
        complete = false;
        gaps += final;
        continue;
      }
      duplicates += track.duplicates;
      gapFrames += track.gapFrames;
      gaps += Math.max(0, final - track.contiguous);
      if (track.contiguous < final) complete = false;
      if (track.caughtUpAt === null) complete = false;
      else latest = Math.max(latest, track.caughtUpAt);
    }
    if (complete) {
      resumed += 1;
      caughtUp.record(latest - since);
    } else notCaughtUp += 1;
  }
  return { clients: clients.length, resumed, duplicates, gaps, gapFrames, caughtUp: caughtUp.toJSON(), notCaughtUp };
}

parentPort!.on("message", (message: { id: number } & Command) => {
  const run = async () => {
    switch (message.cmd) {
      case "connect":
        return connect(message.args);
      case "load":
        return load(message.args);
      case "verify":
        return verify(message.args.finalSeq, message.args.since);
      case "close":
        await Promise.all(clients.map((c) => c.close()));
        return null;
    }
  };
  run().then(
    (result) => parentPort!.postMessage({ id: message.id, ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ id: message.id, ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
