/**
 * The assistant's cost (issue 12), against a local OpenAI-compatible provider:
 *
 * 1. Added latency: the provider writes a chunk → a watching member's socket has it. The first
 *    chunk arrives as the reply's `message` frame, later ones in `delta` frames; both p50/p99.
 * 2. Load: `generations` replies stream at once (every member of `generations / members` rooms
 *    asks one), while one member per room sends plain messages; human send → delivery p99 with
 *    and without the replies running. `rounds` pairs of phases alternate (quiet, loaded, quiet,
 *    loaded…; the replies are cancelled after each loaded phase): on a shared machine a burst of
 *    other work moves one phase's p99 by more than the effect measured, so the verdict is the
 *    median of the rounds' ratios, next to the ratio of the pooled p99s.
 *
 *   npm run build && node --import tsx bench/features/assistant.ts [generations=100] [members=20] [chunkMs=50] [processes=2] [rounds=3]
 *
 * The provider runs in its own process and the rooms' sockets in `processes` child processes
 * (assistant-members.ts), so the CPU of each part is measured apart (/proc): server, harness
 * (this process and the members'), provider; next to the latencies come the server's own
 * figures from GET /metrics (event-loop lag p99, fan-out and send→ack means).
 */
import { fork, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../../tests/support/client";
import { startServer } from "../../tests/support/server";
import { Histogram } from "../lib/histogram";
import { CpuMeter, processTree } from "../lib/proc";
import { scrape, serverFigures, type ServerFigures } from "../lib/server-metrics";
import type { MemberRoom, MembersCommand, PhaseResult } from "./assistant-members";

const GENERATIONS = Number(process.argv[2] ?? 100);
const MEMBERS = Number(process.argv[3] ?? 20);
const CHUNK_MS = Number(process.argv[4] ?? 50);
const PROCESSES = Number(process.argv[5] ?? 2);
const ROUNDS = Math.max(1, Number(process.argv[6] ?? 3));
const LATENCY_SAMPLES = 30;
const HUMAN_RATE_PER_ROOM = 5;
const PHASE_MS = 8_000;
const DRAIN_MS = 1_500;
/** Extra server env for experiments (`BENCH_SERVER_ENV='{"AI_DELTA_WINDOW_MS":"0"}'`). */
const EXTRA_ENV = JSON.parse(process.env.BENCH_SERVER_ENV ?? "{}") as Record<string, string>;
/** A directory for the server's CPU profile (`node --cpu-prof`, written when it stops). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
/** Another checkout's build to run as the server (a before/after pair made close together). */
const SERVER_ROOT = process.env.BENCH_ROOT;

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A child process answering `{id, ok, result|error}` to `{id, ...command}`. */
class Child {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(readonly proc: ChildProcess) {
    proc.on("message", (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(m.error));
    });
  }
  call<T>(command: MembersCommand): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, ...command });
    });
  }
}

const written = new Map<string, number>();
/** Longest wait for the asked replies to start before the loaded phase (a starved server is slow to start 100). */
const START_WAIT_MS = 20_000;
// Replies stream long enough to cover the wait for all of them to start and the whole phase.
const provider = fork(here("./assistant-provider.ts"), [String(CHUNK_MS), String(START_WAIT_MS + PHASE_MS + 2_000)], { execArgv: ["--import", "tsx"] });
const providerPort = await new Promise<number>((resolve) =>
  provider.on("message", (m: { port?: number; tag?: string; index?: number; at?: number }) => {
    if (m.port) resolve(m.port);
    else if (m.tag !== undefined) written.set(`${m.tag}:${m.index}`, m.at!);
  }),
);

const server = await startServer({
  AI_BASE_URL: `http://127.0.0.1:${providerPort}/v1`,
  AI_MODEL: "bench",
  RATE_AI_PER_MIN: "100000",
  RATE_MESSAGES_PER_MIN: "100000000",
  MAX_SOCKETS_PER_USER: "100",
  AI_IDLE_CANCEL_MS: "600000",
  ...EXTRA_ENV,
}, { root: SERVER_ROOT, ...(CPU_PROF_DIR ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`] } : {}) });
const children: Child[] = [];
const fmtMs = (v: number | null | undefined) => (v === null || v === undefined ? "–" : v.toFixed(1));
const fmt = (h: Histogram) => `p50 ${fmtMs(h.quantile(0.5))} ms, p99 ${fmtMs(h.quantile(0.99))} ms (n=${h.count})`;

interface PhaseReport {
  label: string;
  delivery: Histogram;
  deltas: number;
  serverCpu: number;
  harnessCpu: number;
  providerCpu: number;
  figures: ServerFigures;
  fanoutP99Ms: number | null;
  /** The server's delta window (confab_ai_delta_window_seconds) as the phase ended, ms; NaN when it has none. */
  windowMs: number;
}

/** p99 of a Prometheus histogram over an interval, from its cumulative buckets (upper edge, ms). */
function promP99(before: Map<string, number>[], after: Map<string, number>[], name: string): number | null {
  const buckets = new Map<number, number>();
  for (const [i, sample] of after.entries()) {
    for (const [key, value] of sample) {
      const m = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(key);
      if (!m) continue;
      const le = m[1] === "+Inf" ? Infinity : Number(m[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + value - (before[i]?.get(key) ?? 0));
    }
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const found = sorted.find(([, count]) => count >= 0.99 * total);
  return found ? found[0] * 1000 : null;
}

try {
  const probe = await registerUser(server.url, "probe");
  const me = await api<{ assistant: { name: string; user: string } }>(server.url, "GET", "/api/me", { token: probe.token });
  const bot = me.body.assistant;
  console.log(`assistant @${bot.name}; provider chunk every ${CHUNK_MS} ms; ${PROCESSES} member processes; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  if (Object.keys(EXTRA_ENV).length) console.log(`server env: ${JSON.stringify(EXTRA_ENV)}`);

  // 1. Added latency, one request at a time, one watcher in this process.
  const asker = await registerUser(server.url, "asker");
  const watcher = await registerUser(server.url, "watcher");
  const room = await createRoom(server.url, asker);
  const a = await TestSocket.connect(server.wsUrl, asker);
  const w = await TestSocket.connect(server.wsUrl, watcher);
  const arrivals = new Map<string, number>();
  w.ws.on("message", () => {
    const f = w.frames.at(-1)!;
    if (f.type === "message" && f.message.sender === bot.user) arrivals.set(`${f.message.id}:first`, wall());
    // A delta covers provider chunks from index + 1 on; with coalescing it may cover several.
    else if (f.type === "delta") arrivals.set(`${f.message}:${f.index}`, wall());
  });
  await a.join(room);
  await w.join(room);
  const samples: Array<{ tag: string; reply: string; deltas: Array<{ index: number; chunks: number }> }> = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const tag = `lat${i}`;
    const ack = await a.request({ type: "send", id: randomUUID(), room, content: `@${bot.name} hi [t:${tag}]` });
    if (ack.type !== "ack") throw new Error(`ask refused: ${JSON.stringify(ack)}`);
    const reply = await w.next((f) => f.type === "message" && f.message.reply_to === ack.message.id, { timeoutMs: 10_000 });
    const replyId = reply.type === "message" ? reply.message.id : "";
    await w.next((f) => f.type === "message_updated" && f.message.id === replyId && f.message.streaming === false, { timeoutMs: 10_000 });
    const deltas = w.frames.flatMap((f) => (f.type === "delta" && f.message === replyId ? [{ index: f.index, chunks: f.text.split("tok").length - 1 }] : []));
    samples.push({ tag, reply: replyId, deltas });
  }
  await sleep(300);
  const firstToken = new Histogram();
  const laterTokens = new Histogram();
  for (const { tag, reply, deltas } of samples) {
    firstToken.record(arrivals.get(`${reply}:first`)! - written.get(`${tag}:0`)!);
    let chunk = 1;
    for (const d of deltas) {
      const at = arrivals.get(`${reply}:${d.index}`)!;
      // Every chunk a delta carries waited from its own write until this delta arrived.
      for (let c = 0; c < d.chunks; c++, chunk++) laterTokens.record(at - written.get(`${tag}:${chunk}`)!);
    }
  }
  console.log(`added latency, provider chunk → watcher: first token ${fmt(firstToken)}; later tokens ${fmt(laterTokens)}`);
  await Promise.all([a.close(), w.close()]);

  // 2. Human messages with and without concurrent replies; sockets live in child processes.
  const roomsCount = Math.max(1, Math.ceil(GENERATIONS / MEMBERS));
  const shares: MemberRoom[][] = Array.from({ length: PROCESSES }, () => []);
  for (let r = 0; r < roomsCount; r++) {
    const members: TestUser[] = await Promise.all(Array.from({ length: MEMBERS }, () => registerUser(server.url, "member")));
    const id = await createRoom(server.url, members[0]!);
    shares[r % PROCESSES]!.push({ id, tokens: members.map((m) => m.token) });
  }
  for (let i = 0; i < PROCESSES; i++) children.push(new Child(fork(here("./assistant-members.ts"), [], { execArgv: ["--import", "tsx"] })));
  await Promise.all(children.map((c, i) => c.call({ cmd: "connect", wsUrl: server.wsUrl, rooms: shares[i]! })));

  const serverCpu = new CpuMeter(() => processTree(server.process.pid!));
  const harnessCpu = new CpuMeter(() => [process.pid, ...children.map((c) => c.proc.pid!)]);
  const providerCpu = new CpuMeter(() => [provider.pid!]);
  const phase = async (label: string): Promise<PhaseReport> => {
    const before = await scrape([server.url], 30_000);
    for (const m of [serverCpu, harnessCpu, providerCpu]) m.start();
    const untilWall = wall() + PHASE_MS;
    const parts = await Promise.all(children.map((c) => c.call<PhaseResult>({ cmd: "phase", label, untilWall, ratePerRoom: HUMAN_RATE_PER_ROOM, drainMs: DRAIN_MS })));
    const cpu = { serverCpu: serverCpu.stop(), harnessCpu: harnessCpu.stop(), providerCpu: providerCpu.stop() };
    const after = await scrape([server.url], 30_000);
    const delivery = new Histogram();
    for (const p of parts) delivery.merge(p.delivery);
    return {
      label,
      delivery,
      deltas: parts.reduce((n, p) => n + p.deltas, 0),
      ...cpu,
      figures: serverFigures(before, after),
      fanoutP99Ms: promP99(before, after, "confab_fanout_seconds"),
      // The delta window as the phase ended (servers before the adaptive window have none).
      windowMs: (after[0]?.get("confab_ai_delta_window_seconds") ?? NaN) * 1000,
    };
  };

  const report = (r: PhaseReport) => {
    const f = r.figures;
    console.log(
      `${r.label.padEnd(8)} human send → delivery ${fmt(r.delivery)}; deltas received ${r.deltas}; CPU % server ${r.serverCpu.toFixed(0)}, harness ${r.harnessCpu.toFixed(0)}, provider ${r.providerCpu.toFixed(0)}; ` +
        `server event-loop lag p99 ${fmtMs(f.eventLoopLagP99Ms)} ms, fan-out mean ${fmtMs(f.fanoutMs)} ms / p99 ≤ ${fmtMs(r.fanoutP99Ms)} ms, send→ack mean ${fmtMs(f.sendAckMs)} ms, delta window ${Number.isNaN(r.windowMs) ? "–" : r.windowMs.toFixed(0)} ms`,
    );
  };
  const p99 = (h: Histogram) => h.quantile(0.99) ?? NaN;
  const quietAll = new Histogram();
  const loadedAll = new Histogram();
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const quiet = await phase(`quiet${round}`);
    let asked = 0;
    for (const c of children) asked += await c.call<number>({ cmd: "ask", bot: bot.name, limit: GENERATIONS - asked, round });
    // The loaded phase measures replies streaming, not the start of 100 generations: wait until
    // every process has seen every reply begin (each sees its own rooms' replies).
    const askedAt = wall();
    let started = 0;
    while (wall() - askedAt < START_WAIT_MS) {
      started = (await Promise.all(children.map((c) => c.call<number>({ cmd: "streaming" })))).reduce((a, b) => a + b, 0);
      if (started >= asked) break;
      await sleep(100);
    }
    const startMs = wall() - askedAt;
    await sleep(500);
    const loaded = await phase(`loaded${round}`);
    const cancelled = (await Promise.all(children.map((c) => c.call<number>({ cmd: "cancel", timeoutMs: 30_000 })))).reduce((a, b) => a + b, 0);
    console.log(
      `round ${round}/${ROUNDS}: ${roomsCount} rooms × ${MEMBERS} members, ${HUMAN_RATE_PER_ROOM} human msg/s per room, ${asked} replies asked, ${started} streaming after ${(startMs / 1000).toFixed(1)} s, ${cancelled} cancelled after the phase; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    );
    report(quiet);
    report(loaded);
    quietAll.merge(quiet.delivery.toJSON());
    loadedAll.merge(loaded.delivery.toJSON());
    ratios.push(p99(loaded.delivery) / p99(quiet.delivery));
    console.log(`p99 ratio loaded/quiet: ${ratios.at(-1)!.toFixed(2)}`);
    // Let the cancelled replies' final writes settle before the next quiet phase.
    await sleep(1_000);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  console.log(
    `over ${ROUNDS} rounds: p99 ratio median ${median.toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(", ")}); pooled quiet ${fmt(quietAll)}, loaded ${fmt(loadedAll)}, ratio ${(p99(loadedAll) / p99(quietAll)).toFixed(2)}`,
  );
} finally {
  await Promise.allSettled(children.map((c) => c.call({ cmd: "close" })));
  await server.stop();
  provider.kill();
}
