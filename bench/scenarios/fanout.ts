/**
 * fan-out: R rooms × M members (one user and one socket per member), an open-loop rate per
 * room raised step by step until the system saturates. hot-room: one room whose senders each
 * keep a window of sends in flight (the persistence ceiling, closed loop).
 */
import { now, type ClientSpec } from "../lib/client";
import { Pool } from "../lib/pool";
import { createRoom, createUsers } from "../lib/setup";
import type { System } from "../systems";
import { scrape, serverFigures, type ServerFigures } from "../lib/server-metrics";
import type { LoadResult } from "../worker";
import { cpuMeters, pct, round, sleep, type CpuFigures, type Options } from "./common";

export interface LoadRow extends CpuFigures {
  system: string;
  instances: number;
  label: string;
  /** Messages per second offered in total (fan-out), null for closed loop. */
  offered: number | null;
  sent: number;
  acked: number;
  ackedPerS: number;
  deliveredPerS: number;
  /** Deliveries received (window + drain) / deliveries owed for acked messages. */
  delivered: number;
  ackP50: number | null;
  ackP99: number | null;
  deliveryP50: number | null;
  deliveryP99: number | null;
  errors: Record<string, number>;
  saturated: boolean;
  /** Confab's own /metrics over the step (null for the baselines). */
  server: ServerFigures | null;
}

interface Layout {
  pool: Pool;
  members: number;
  rooms: string[];
}

/** Users, rooms and connected, joined sockets: `rooms` rooms of `members` each. */
async function prepare(system: System, opts: Options, rooms: number, members: number, fanoutUsers: number, wholeRoomsPerWorker: boolean): Promise<Layout> {
  const base = system.instances[0]!.url;
  const t0 = Date.now();
  // Member m of every room may be the same user (when fewer users are asked for): still one
  // user per member within a room, so "not the sender" stays "another member".
  const sockets = rooms * members;
  const userCount = fanoutUsers > 0 && fanoutUsers < sockets && fanoutUsers % members === 0 ? fanoutUsers : sockets;
  const users = await createUsers(base, userCount);
  const userOf = (i: number) => users[i % userCount]!;
  const roomIds = await Promise.all(Array.from({ length: rooms }, (_, r) => createRoom(base, userOf(r * members), `bench${r}`)));
  console.log(`  setup: ${userCount} users, ${rooms} rooms in ${round((Date.now() - t0) / 1000)} s`);
  const specs: ClientSpec[] = Array.from({ length: sockets }, (_, i) => ({
    key: i,
    url: system.instances[i % system.instances.length]!.url,
    token: userOf(i).token,
    userId: userOf(i).id,
    rooms: [roomIds[Math.floor(i / members)]!],
  }));
  const pool = new Pool(system.protocol, specs, opts.workers, wholeRoomsPerWorker ? (_s, i) => Math.floor(i / members) : undefined);
  const connected = await pool.connect({ concurrency: opts.concurrency, join: true, resume: false, retryUntil: now() + 60_000, onlyClosed: false });
  console.log(`  connected ${connected.ok}/${specs.length} in ${round((connected.finishedAt - connected.startedAt) / 1000)} s${connected.failed ? ` (failed ${connected.failed}: ${JSON.stringify(connected.errors)})` : ""}`);
  if (connected.ok === 0) throw new Error(`no client could connect to ${system.name}: ${JSON.stringify(connected.errors)}`);
  return { pool, members, rooms: roomIds };
}

function row(system: System, label: string, offered: number | null, r: LoadResult, members: number, durationS: number, cpu: CpuFigures, server: ServerFigures | null): LoadRow {
  const owed = r.acked * (members - 1);
  const delivered = owed === 0 ? 0 : r.deliveredTotal / owed;
  const deliveryP99 = pct(r.delivery, 0.99);
  return {
    system: system.name,
    instances: system.instances.length,
    label,
    offered,
    sent: r.sent,
    acked: r.acked,
    ackedPerS: round(r.ackedInWindow / durationS),
    deliveredPerS: round(r.deliveredInWindow / durationS),
    delivered: round(delivered, 3),
    ackP50: pct(r.ack, 0.5),
    ackP99: pct(r.ack, 0.99),
    deliveryP50: pct(r.delivery, 0.5),
    deliveryP99,
    errors: r.errors,
    saturated: r.acked < r.sent || Object.keys(r.errors).length > 0 || delivered < 0.99 || (deliveryP99 ?? Infinity) > 1_000,
    ...cpu,
    server,
  };
}

const describeServer = (f: ServerFigures | null) =>
  f
    ? `; server: send→ack ${f.sendAckMs} ms, fan-out ${f.fanoutMs} ms, batch ${f.batchSize} msgs in ${f.appendMs} ms, held ${f.heldBack}, loop lag p99 ${f.eventLoopLagP99Ms} ms`
    : "";

/** Runs one load step on the pool and meters CPU over exactly its window. */
async function step(system: System, layout: Layout, args: { step: number; durationS: number; drainS: number; ratePerRoom?: number; window?: number; senders?: number }) {
  const meters = cpuMeters(system);
  const urls = system.confab ? system.instances.map((i) => i.url) : [];
  const before = await scrape(urls);
  const startAt = now() + 300;
  const result = layout.pool.load({ step: args.step, startAt, durationMs: args.durationS * 1000, drainMs: args.drainS * 1000, ratePerRoom: args.ratePerRoom, window: args.window, senders: args.senders });
  await sleep(startAt - now());
  meters.start();
  await sleep(args.durationS * 1000);
  const cpu = meters.stop();
  const finished = await result;
  const server = system.confab ? serverFigures(before, await scrape(urls)) : null;
  return { result: finished, cpu, server };
}

export async function runFanout(system: System, opts: Options): Promise<LoadRow[]> {
  const layout = await prepare(system, opts, opts.rooms, opts.members, opts.fanoutUsers, true);
  const rows: LoadRow[] = [];
  try {
    for (const [i, rate] of opts.rates.entries()) {
      const { result, cpu, server } = await step(system, layout, { step: i + 1, durationS: opts.durationS, drainS: opts.drainS, ratePerRoom: rate });
      const r = row(system, `${rate}/s/room`, rate * opts.rooms, result, opts.members, opts.durationS, cpu, server);
      rows.push(r);
      console.log(`  ${rate} msg/s/room: acked ${r.ackedPerS}/s, delivered ${r.deliveredPerS}/s, ack p50/p99 ${r.ackP50}/${r.ackP99} ms, delivery p50/p99 ${r.deliveryP50}/${r.deliveryP99} ms, server ${round(r.serverCpu)} %, harness ${round(r.harnessCpu)} %${r.saturated ? " (saturated)" : ""}${describeServer(r.server)}`);
      if (r.saturated && opts.stopAtSaturation) break;
      await sleep(1_000);
    }
  } finally {
    await layout.pool.close();
  }
  return rows;
}

export async function runHotRoom(system: System, opts: Options): Promise<LoadRow[]> {
  const layout = await prepare(system, opts, 1, opts.senders, 0, false);
  try {
    const { result, cpu, server } = await step(system, layout, { step: 1, durationS: opts.durationS, drainS: opts.drainS, window: opts.window });
    const r = row(system, `${opts.senders} senders × ${opts.window}`, null, result, opts.senders, opts.durationS, cpu, server);
    console.log(`  acked ${r.ackedPerS}/s, delivered ${r.deliveredPerS}/s, ack p50/p99 ${r.ackP50}/${r.ackP99} ms, server ${round(r.serverCpu)} %, harness ${round(r.harnessCpu)} %${describeServer(r.server)}`);
    return [r];
  } finally {
    await layout.pool.close();
  }
}
