/**
 * The assistant's cost (issue 12), against a local OpenAI-compatible provider started here:
 *
 * 1. Added latency: the provider writes a chunk → a watching member's socket has it. The first
 *    chunk arrives as the reply's `message` frame, later ones as `delta` frames; both p50/p99.
 * 2. Load: `generations` replies stream at once (every member of `generations / members` rooms
 *    asks one), while one member per room sends plain messages; human send → delivery p99 with
 *    and without the replies running.
 *
 *   npm run build && node --import tsx bench/features/assistant.ts [generations=100] [members=20] [chunkMs=50]
 *
 * Figures compare runs on one machine; the harness shares the CPU with the server.
 */
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, sleep, TestSocket, type TestUser } from "../../tests/support/client";
import { startServer } from "../../tests/support/server";

const GENERATIONS = Number(process.argv[2] ?? 100);
const MEMBERS = Number(process.argv[3] ?? 20);
const CHUNK_MS = Number(process.argv[4] ?? 50);
const LATENCY_SAMPLES = 30;
const HUMAN_RATE_PER_ROOM = 5;
const PHASE_MS = 8_000;

/** When the provider wrote each chunk, by tag: `${tag}:${index}`. */
const written = new Map<string, number>();
const chunksFor = (tag: string) => (tag.startsWith("load") ? Math.ceil(PHASE_MS / CHUNK_MS) : 8);

const provider = createServer(async (req, res: ServerResponse) => {
  let raw = "";
  for await (const chunk of req) raw += String(chunk);
  const body = JSON.parse(raw) as { messages: Array<{ role: string; content: string }> };
  const last = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const tag = /\[t:([\w-]+)\]/.exec(last)?.[1] ?? "untagged";
  res.writeHead(200, { "content-type": "text/event-stream" });
  const n = chunksFor(tag);
  for (let i = 0; i < n && !res.destroyed; i++) {
    const chunk = { id: "bench", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }] };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    written.set(`${tag}:${i}`, performance.now());
    await sleep(CHUNK_MS);
  }
  res.end(`data: ${JSON.stringify({ id: "bench", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`);
});
await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;

const server = await startServer({ AI_BASE_URL: providerUrl, AI_MODEL: "bench", RATE_AI_PER_MIN: "100000", MAX_SOCKETS_PER_USER: "100", AI_IDLE_CANCEL_MS: "600000" });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};
// Arrival times: every frame a socket gets is stamped as it arrives (TestSocket's own listener
// ran first, so the newest frame is this one).
const stamps = new WeakMap<object, number>();
const stamp = (s: TestSocket) => void s.ws.on("message", () => stamps.set(s.frames.at(-1)!, performance.now()));
const arrived = (f: object) => stamps.get(f) ?? NaN;
const fmt = (values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms (n=${values.length})`;

try {
  const me = await api<{ assistant: { name: string; user: string } }>(server.url, "GET", "/api/me", { token: (await registerUser(server.url, "probe")).token });
  const bot = me.body.assistant;
  console.log(`assistant @${bot.name}; provider chunk every ${CHUNK_MS} ms`);

  // 1. Added latency, one request at a time.
  const asker = await registerUser(server.url, "asker");
  const watcher = await registerUser(server.url, "watcher");
  const room = await createRoom(server.url, asker);
  const a = await TestSocket.connect(server.wsUrl, asker);
  const w = await TestSocket.connect(server.wsUrl, watcher);
  stamp(w);
  await a.join(room);
  await w.join(room);
  const firstToken: number[] = [];
  const laterTokens: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const tag = `lat${i}`;
    const ack = await a.request({ type: "send", id: randomUUID(), room, content: `@${bot.name} hi [t:${tag}]` });
    if (ack.type !== "ack") throw new Error(`ask refused: ${JSON.stringify(ack)}`);
    const reply = await w.next((f) => f.type === "message" && f.message.reply_to === ack.message.id, { timeoutMs: 10_000 });
    firstToken.push(arrived(reply) - written.get(`${tag}:0`)!);
    const replyId = reply.type === "message" ? reply.message.id : "";
    const seen = new Set<number>();
    while (seen.size < chunksFor(tag) - 1) {
      const delta = await w.next((f) => f.type === "delta" && f.message === replyId && !seen.has(f.index), { timeoutMs: 10_000 });
      if (delta.type !== "delta") break;
      seen.add(delta.index);
      // Delta `index` carries provider chunk `index + 1` (the first chunk created the message).
      laterTokens.push(arrived(delta) - written.get(`${tag}:${delta.index + 1}`)!);
    }
    await w.next((f) => f.type === "message_updated" && f.message.id === replyId && f.message.streaming === false, { timeoutMs: 10_000 });
  }
  console.log(`added latency, provider chunk → watcher: first token ${fmt(firstToken)}; later tokens ${fmt(laterTokens)}`);
  await Promise.all([a.close(), w.close()]);

  // 2. Human messages with and without concurrent replies.
  const roomsCount = Math.max(1, Math.ceil(GENERATIONS / MEMBERS));
  const rooms: Array<{ id: string; members: TestUser[]; sockets: TestSocket[] }> = [];
  for (let r = 0; r < roomsCount; r++) {
    const members = await Promise.all(Array.from({ length: MEMBERS }, () => registerUser(server.url, "member")));
    const id = await createRoom(server.url, members[0]!);
    const sockets = await Promise.all(members.map((m) => TestSocket.connect(server.wsUrl, m)));
    for (const s of sockets) await s.join(id);
    rooms.push({ id, members, sockets });
  }
  const humanPhase = async (label: string): Promise<number[]> => {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const listeners = rooms.flatMap((r) =>
      r.sockets.slice(1).map((s) => {
        const from = s.frames.length;
        return { s, from };
      }),
    );
    const until = performance.now() + PHASE_MS;
    await Promise.all(
      rooms.map(async (r) => {
        let n = 0;
        while (performance.now() < until) {
          const content = `${label} ${r.id.slice(0, 4)} #${n++}`;
          sentAt.set(content, performance.now());
          r.sockets[0]!.ws.send(JSON.stringify({ type: "send", id: randomUUID(), room: r.id, content }));
          await sleep(1000 / HUMAN_RATE_PER_ROOM);
        }
      }),
    );
    await sleep(1_000);
    for (const { s, from } of listeners) {
      for (const f of s.frames.slice(from)) {
        if (f.type !== "message") continue;
        const at = sentAt.get((f.message as Message).content);
        if (at !== undefined) latencies.push(arrived(f) - at);
      }
    }
    return latencies;
  };
  for (const r of rooms) r.sockets.forEach(stamp);

  const quiet = await humanPhase("quiet");
  let generating = 0;
  for (const r of rooms) {
    for (const [i, s] of r.sockets.entries()) {
      if (generating >= GENERATIONS) break;
      s.ws.send(JSON.stringify({ type: "send", id: randomUUID(), room: r.id, content: `@${bot.name} talk [t:load-${r.id.slice(0, 4)}-${i}]` }));
      generating++;
    }
  }
  await sleep(500);
  const loaded = await humanPhase("loaded");
  const deltas = rooms.reduce((sum, r) => sum + r.sockets.reduce((n, s) => n + s.frames.filter((f) => f.type === "delta").length, 0), 0);
  console.log(`${roomsCount} rooms × ${MEMBERS} members, ${HUMAN_RATE_PER_ROOM} human msg/s per room`);
  console.log(`human send → delivery, no replies:        ${fmt(quiet.filter(Number.isFinite))}`);
  console.log(`human send → delivery, ${generating} replies streaming: ${fmt(loaded.filter(Number.isFinite))}`);
  console.log(`p99 ratio loaded/quiet: ${(percentile(loaded.filter(Number.isFinite), 99) / percentile(quiet.filter(Number.isFinite), 99)).toFixed(2)}; delta frames received: ${deltas}`);
  for (const r of rooms) await Promise.all(r.sockets.map((s) => s.close()));
} finally {
  await server.stop();
  provider.closeAllConnections();
  provider.close();
}
