/**
 * reconnect: C clients in R rooms, joined; a writer per room posts some messages; the server
 * is stopped with SIGTERM and started again on the same port and data; the writers post what
 * the clients will have missed, then every client re-joins with `since` at once (retrying
 * with backoff) while the writers keep posting. Each client must end with every seq of its
 * room exactly once: % resumed, gaps and duplicates (must be 0), and the time from the
 * storm's start until each client's replay was complete (caught-up p50/p99).
 */
import { randomUUID } from "node:crypto";
import { BenchClient, now, type ClientSpec } from "../lib/client";
import { Pool } from "../lib/pool";
import { createRoom, createUsers, type BenchUser } from "../lib/setup";
import type { System } from "../systems";
import { pct, round, sleep, type Options } from "./common";

export interface ReconnectRow {
  system: string;
  instances: number;
  clients: number;
  rooms: number;
  users: number;
  restartS: number;
  resumedPct: number;
  caughtUpP50: number | null;
  caughtUpP99: number | null;
  gaps: number;
  duplicates: number;
  gapFrames: number;
  connectAttempts: number;
  connectErrors: Record<string, number>;
}

const PRE_MESSAGES = 5;
const MISSED_MESSAGES = 5;
const STORM_DEADLINE_MS = 180_000;

/** One writer per room, outside the pool: its acks give each room's final seq. */
class Writer {
  seq = 0;
  private waiting = new Map<string, () => void>();
  private client: BenchClient;

  constructor(spec: ClientSpec) {
    this.client = new BenchClient(spec, "json-ws", {
      onAck: (_c, ref, message) => {
        this.seq = Math.max(this.seq, message.seq);
        this.waiting.get(ref)?.();
        this.waiting.delete(ref);
      },
      onMessage: () => {},
      onError: (_c, _ref, code) => console.log(`  writer error ${code}`),
    });
  }

  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.connect();
        await this.client.join(this.client.spec.rooms[0]!);
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await this.client.close();
        await sleep(250);
      }
    }
  }

  post(): Promise<void> {
    const id = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("writer: no ack in 60 s")), 60_000);
      this.waiting.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.send(this.client.spec.rooms[0]!, id, `reconnect ${now().toFixed(3)}`);
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export async function runReconnect(system: System, opts: Options): Promise<ReconnectRow> {
  if (!system.confab) throw new Error(`${system.name} keeps its store in memory: a restart loses it`);
  const base = system.instances[0]!.url;
  const roomCount = Math.max(1, Math.round(opts.clients / 100));
  const userCount = Math.min(opts.users, opts.clients);
  const all = await createUsers(base, userCount + roomCount);
  const users = all.slice(0, userCount);
  const writerUsers: BenchUser[] = all.slice(userCount);
  const rooms = await Promise.all(writerUsers.map((owner, r) => createRoom(base, owner, `storm${r}`)));
  const specs: ClientSpec[] = Array.from({ length: opts.clients }, (_, i) => ({
    key: i,
    url: system.instances[i % system.instances.length]!.url,
    token: users[i % userCount]!.token,
    userId: users[i % userCount]!.id,
    rooms: [rooms[i % roomCount]!],
  }));
  const writers = writerUsers.map(
    (u, r) => new Writer({ key: 1_000_000 + r, url: system.instances[r % system.instances.length]!.url, token: u.token, userId: u.id, rooms: [rooms[r]!] }),
  );
  const pool = new Pool(system.protocol, specs, opts.workers);
  try {
    const first = await pool.connect({ concurrency: opts.concurrency, join: true, resume: false, retryUntil: now() + 120_000, onlyClosed: false });
    console.log(`  ${first.ok}/${opts.clients} clients joined ${roomCount} rooms (${userCount} users)`);
    await Promise.all(writers.map((w) => w.connect()));
    for (let i = 0; i < PRE_MESSAGES; i++) await Promise.all(writers.map((w) => w.post()));
    await sleep(2_000);

    const t0 = performance.now();
    for (let i = 0; i < system.instances.length; i++) await system.restart(i);
    const restartS = round((performance.now() - t0) / 1000);
    await Promise.all(writers.map((w) => w.connect()));
    for (let i = 0; i < MISSED_MESSAGES; i++) await Promise.all(writers.map((w) => w.post()));

    // The storm: everyone at once (up to `concurrency` handshakes in flight), writers still posting.
    const stormStart = now();
    let storming = true;
    const live = (async () => {
      while (storming) {
        await Promise.all(writers.map((w) => w.post()));
        await sleep(1_000);
      }
    })();
    const storm = await pool.connect({ concurrency: opts.concurrency, join: true, resume: true, retryUntil: stormStart + STORM_DEADLINE_MS, onlyClosed: true });
    storming = false;
    await live;
    await Promise.all(writers.map((w) => w.post()));
    const finalSeq = Object.fromEntries(rooms.map((room, r) => [room, writers[r]!.seq]));
    let verdict = await pool.verify(finalSeq, stormStart);
    for (let i = 0; i < 20 && verdict.resumed < verdict.clients; i++) {
      await sleep(500);
      verdict = await pool.verify(finalSeq, stormStart);
    }
    const row: ReconnectRow = {
      system: system.name,
      instances: system.instances.length,
      clients: opts.clients,
      rooms: roomCount,
      users: userCount,
      restartS,
      resumedPct: round((100 * verdict.resumed) / verdict.clients, 2),
      caughtUpP50: pct(verdict.caughtUp, 0.5),
      caughtUpP99: pct(verdict.caughtUp, 0.99),
      gaps: verdict.gaps,
      duplicates: verdict.duplicates,
      gapFrames: verdict.gapFrames,
      connectAttempts: storm.attempts,
      connectErrors: storm.errors,
    };
    console.log(`  restart ${restartS} s; resumed ${row.resumedPct} %, caught up p50/p99 ${row.caughtUpP50}/${row.caughtUpP99} ms, gaps ${row.gaps}, duplicates ${row.duplicates}, connect attempts ${row.connectAttempts}`);
    return row;
  } finally {
    await Promise.all(writers.map((w) => w.close()));
    await pool.close();
  }
}
