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
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/client";

const CONCURRENCY = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 10);

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
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => append(i)));
  const seconds = (performance.now() - start) / 1000;
  lag.disable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    shape,
    insertsPerSec: Math.round((CONCURRENCY * ROUNDS) / seconds),
    lagP50Ms: ms(lag.percentile(50)),
    lagP99Ms: ms(lag.percentile(99)),
    lagMaxMs: ms(lag.max),
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
