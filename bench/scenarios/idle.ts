/**
 * idle: N authenticated sockets that join nothing. Connects per second (with `concurrency`
 * handshakes in flight) and the servers' resident memory per socket. Sockets share `users`
 * users (MAX_SOCKETS_PER_USER is lifted), because registering 10,000 users means 20,000
 * argon2 operations.
 */
import type { ClientSpec } from "../lib/client";
import { Pool } from "../lib/pool";
import { rssBytes } from "../lib/proc";
import { createUsers } from "../lib/setup";
import type { System } from "../systems";
import { cpuMeters, pct, round, sleep, type CpuFigures, type Options } from "./common";

export interface IdleRow extends CpuFigures {
  system: string;
  instances: number;
  sockets: number;
  users: number;
  connected: number;
  failed: number;
  connectsPerS: number;
  readyP50: number | null;
  readyP99: number | null;
  /** Server CPU seconds spent per 1,000 connects. */
  cpuSPer1000: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssPerSocketKB: number;
}

const rss = (system: System) => system.serverPids().reduce((a, pid) => a + rssBytes(pid), 0);

export async function runIdle(system: System, opts: Options): Promise<IdleRow> {
  const base = system.instances[0]!.url;
  const userCount = Math.min(opts.users, opts.sockets);
  const users = await createUsers(base, userCount);
  const specs: ClientSpec[] = Array.from({ length: opts.sockets }, (_, i) => ({
    key: i,
    url: system.instances[i % system.instances.length]!.url,
    token: users[i % userCount]!.token,
    userId: users[i % userCount]!.id,
    rooms: [],
  }));
  const pool = new Pool(system.protocol, specs, opts.workers);
  try {
    await sleep(2_000);
    const before = rss(system);
    const meters = cpuMeters(system);
    meters.start();
    const result = await pool.connect({ concurrency: opts.concurrency, join: false, resume: false, retryUntil: 0, onlyClosed: false });
    const cpu = meters.stop();
    const seconds = (result.finishedAt - result.startedAt) / 1000;
    // Let the connect burst's garbage and buffers settle before reading memory.
    await sleep(5_000);
    const after = rss(system);
    const row: IdleRow = {
      system: system.name,
      instances: system.instances.length,
      sockets: opts.sockets,
      users: userCount,
      connected: result.ok,
      failed: result.failed,
      connectsPerS: round(result.ok / seconds),
      readyP50: pct(result.ready, 0.5),
      readyP99: pct(result.ready, 0.99),
      cpuSPer1000: result.ok ? round(((cpu.serverCpu / 100) * seconds * 1000) / result.ok, 2) : 0,
      rssBeforeMB: round(before / 2 ** 20),
      rssAfterMB: round(after / 2 ** 20),
      rssPerSocketKB: result.ok ? round((after - before) / 1024 / result.ok) : 0,
      ...cpu,
    };
    console.log(`  ${row.connected}/${row.sockets} connected (${userCount} users) at ${row.connectsPerS}/s, ready p50/p99 ${row.readyP50}/${row.readyP99} ms, RSS ${row.rssBeforeMB} → ${row.rssAfterMB} MB (${row.rssPerSocketKB} KB/socket)${result.failed ? `, failures ${JSON.stringify(result.errors)}` : ""}`);
    return row;
  } finally {
    await pool.close();
  }
}
