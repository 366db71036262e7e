/**
 * Search latency: the real query (db/queries/search.ts `searchMessages`, the read rule, the
 * GIN index and ts_headline) over a seeded history, on the embedded database (PGlite in its
 * worker, as the server opens it) or on Postgres (DATABASE_URL). Seeding is done in SQL with
 * generate_series and is not measured. Figures compare shapes and sizes on one machine; they
 * are not a pass/fail threshold.
 *
 *   node --import tsx bench/storage/search.ts [messages=200000] [queries=200]
 *   DATABASE_URL=postgres://… node --import tsx bench/storage/search.ts 1000000
 *   (bash scripts/with-services.sh provides a throwaway Postgres.)
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { searchMessages } from "@/db/queries/search";
import { buildTsQuery } from "@/server/chat/search";

const MESSAGES = Number(process.argv[2] ?? 200_000);
const QUERIES = Number(process.argv[3] ?? 200);
const ROOMS = 200;
const USERS = 50;
/** The searching user is a member of this share of the rooms; the rest are private to others. */
const MEMBER_OF = 0.25;

/** A vocabulary big enough that prefixes match a realistic slice of history. */
const WORDS = ["deploy", "release", "build", "review", "merge", "incident", "coffee", "lunch", "meeting", "design", "query", "index", "latency", "docker", "kernel", "budget", "roadmap", "ticket", "feature", "bugfix"];

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-bench-search-"));
const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir, queryTimeoutMs: 3_600_000 });
const { db } = handle;
try {
  const viewer = randomUUID();
  const seedStart = performance.now();
  await db.execute(sql`insert into users (id, username, password_hash) values (${viewer}, ${`viewer-${viewer.slice(0, 8)}`}, 'x')`);
  await db.execute(sql`insert into users (id, username, password_hash)
    select gen_random_uuid(), 'bench-' || substr(md5(random()::text), 1, 12) || '-' || g, 'x' from generate_series(1, ${USERS}) g`);
  await db.execute(sql`insert into rooms (id, name, visibility)
    select gen_random_uuid(), 'bench-room-' || g, case when g % 2 = 0 then 'public' else 'private' end from generate_series(1, ${ROOMS}) g`);
  await db.execute(sql`insert into room_members (room_id, user_id, role)
    select r.id, ${viewer}::uuid, 'member' from (select id, row_number() over (order by id) n from rooms where name like 'bench-room-%') r
    where r.n <= ${Math.round(ROOMS * MEMBER_OF)}`);
  // Content: five words of the vocabulary plus a number, one sender per message.
  const words = sql.raw(`array[${WORDS.map((w) => `'${w}'`).join(",")}]`);
  await db.execute(sql`
    with r as (select id, row_number() over (order by id) - 1 as n from rooms where name like 'bench-room-%'),
         u as (select id, row_number() over (order by id) - 1 as n from users where username like 'bench-%')
    insert into messages (id, room_id, seq, sender_id, kind, content, client_id, created_at)
    select gen_random_uuid(), r.id, g, u.id, 'text',
      (${words})[1 + (g * 7) % 20] || ' ' || (${words})[1 + (g * 13) % 20] || ' then ' || (${words})[1 + (g * 3) % 20] || ' ' || g || ' ' || (${words})[1 + (g * 11) % 20],
      'c' || g, now() - make_interval(secs => ${MESSAGES} - g)
    from generate_series(1, ${MESSAGES}) g
    join r on r.n = g % ${ROOMS}
    join u on u.n = g % ${USERS}`);
  await db.execute(sql`update rooms set last_seq = ${MESSAGES} where name like 'bench-room-%'`);
  await db.execute(sql`analyze`);
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const prefixes = WORDS.flatMap((w) => [w.slice(0, 4), w]);
  const latencies: number[] = [];
  let results = 0;
  for (let i = 0; i < QUERIES; i++) {
    const q = i % 5 === 4 ? `${prefixes[i % prefixes.length]} ${prefixes[(i * 7) % prefixes.length]}` : prefixes[i % prefixes.length]!;
    const start = performance.now();
    const rows = await searchMessages(db, { viewerId: viewer, tsquery: buildTsQuery(q)!, limit: 20 });
    latencies.push(performance.now() - start);
    results += rows.length;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0) * 10) / 10;
  console.table([
    {
      shape: handle.driver,
      messages: MESSAGES,
      rooms: ROOMS,
      "seed s": Math.round(seedSeconds),
      queries: QUERIES,
      "avg results": Math.round((results / QUERIES) * 10) / 10,
      "p50 ms": pct(50),
      "p99 ms": pct(99),
      "max ms": pct(100),
    },
  ]);
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
