/**
 * Embedded storage micro-benchmark: PGlite on the main thread (drizzle-orm/pglite, how
 * db/client.ts opened it before) against PGlite in the worker thread with fsync at commit
 * (db/client.ts now). Each round runs CONCURRENCY single-row transactions at once, shaped
 * like a message append (lock the room row, bump its counter, insert); the event loop's delay
 * is sampled meanwhile. Figures are for comparing the two in one run, not absolute.
 *
 *   node --import tsx bench/storage/embedded.ts [concurrency=200] [rounds=10]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/client";

const CONCURRENCY = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 10);
const TICK_MS = 10;

interface Result {
  shape: string;
  insertsPerSec: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function run(shape: string, db: Database): Promise<Result> {
  await db.execute(sql`create table if not exists bench_rooms (id int primary key, last_seq int not null default 0)`);
  await db.execute(sql`create table if not exists bench_messages (id serial primary key, room int not null, seq int not null, body text not null, meta jsonb, created_at timestamptz not null default now())`);
  await db.execute(sql`insert into bench_rooms (id) select g from generate_series(1, 20) g on conflict do nothing`);
  const append = (i: number) =>
    db.transaction(async (tx) => {
      const room = (i % 20) + 1;
      await tx.execute(sql`update bench_rooms set last_seq = last_seq + 1 where id = ${room}`);
      await tx.execute(
        sql`insert into bench_messages (room, seq, body, meta) select id, last_seq, ${"hello " + i}, ${JSON.stringify({ i })}::jsonb from bench_rooms where id = ${room}`,
      );
    });
  await Promise.all(Array.from({ length: 20 }, (_, i) => append(i))); // warm-up
  // How late a 10 ms timer fires: the time a socket's frame would wait for the event loop.
  // (A work loop that never yields to timers shows up as one long delay, which
  // monitorEventLoopDelay would not record before it is disabled.)
  const lags: number[] = [];
  let expected = performance.now() + TICK_MS;
  const sampler = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + TICK_MS;
  }, TICK_MS);
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => append(i)));
  const seconds = (performance.now() - start) / 1000;
  await new Promise((resolve) => setTimeout(resolve, TICK_MS * 2));
  clearInterval(sampler);
  lags.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((lags[Math.min(lags.length - 1, Math.floor((lags.length * p) / 100))] ?? 0) * 10) / 10;
  return {
    shape,
    insertsPerSec: Math.round((CONCURRENCY * ROUNDS) / seconds),
    lagP50Ms: pct(50),
    lagP99Ms: pct(99),
    lagMaxMs: pct(100),
  };
}

async function mainThread(dir: string): Promise<Result> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = await PGlite.create(dir);
  try {
    return await run("PGlite on the main thread (before)", drizzle({ client }) as unknown as Database);
  } finally {
    await client.close();
  }
}

async function worker(dataDir: string): Promise<Result> {
  const handle = await openDatabase({ dataDir });
  try {
    return await run("PGlite in a worker, fsync at commit (now)", handle.db);
  } finally {
    await handle.close();
  }
}

const root = mkdtempSync(path.join(tmpdir(), "confab-bench-storage-"));
try {
  const results = [await mainThread(path.join(root, "main")), await worker(path.join(root, "worker"))];
  console.log(`${CONCURRENCY} concurrent single-row transactions x ${ROUNDS} rounds`);
  console.table(results);
} finally {
  rmSync(root, { recursive: true, force: true });
}
