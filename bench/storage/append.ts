/**
 * The append path alone: `appendBatches` (db/queries/messages.ts, the group commit's
 * transaction) against the embedded database (PGlite in its worker, as the server opens it) or
 * Postgres (DATABASE_URL), without sockets, validation or fan-out. One room, `senders` members;
 * batches of each size are written back to back for `seconds` s, one transaction at a time, as
 * a hot room's queue writes them. Prints messages/s, transactions/s and time per transaction
 * for each batch size, one JSON line each. Figures compare variants on one machine.
 *
 *   node --import tsx bench/storage/append.ts [sizes=1,16,64,256] [seconds=5] [mentions=0]
 *   bash scripts/with-services.sh node --import tsx bench/storage/append.ts
 *
 * `mentions=1` gives every message an @-mention of another member (resolved in the batch).
 * `BENCH_SQL` runs a statement after migrating (e.g. dropping an index, to price it).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { appendBatches, type AppendInput } from "@/db/queries/messages";

const SIZES = (process.argv[2] ?? "1,16,64,256").split(",").map(Number);
const SECONDS = Number(process.argv[3] ?? 5);
const MENTIONS = process.argv[4] === "1";
const SENDERS = 50;

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-bench-append-"));
const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir, queryTimeoutMs: 600_000 });
const { db } = handle;
try {
  if (process.env.BENCH_SQL) await db.execute(sql.raw(process.env.BENCH_SQL));
  const room = randomUUID();
  const users = Array.from({ length: SENDERS }, (_, i) => ({ id: randomUUID(), name: `app${i}-${room.slice(0, 8)}` }));
  for (const u of users) await db.execute(sql`insert into users (id, username, password_hash) values (${u.id}, ${u.name}, 'x')`);
  await db.execute(sql`insert into rooms (id, name, visibility) values (${room}, ${`append-${room.slice(0, 8)}`}, 'public')`);
  for (const u of users) await db.execute(sql`insert into room_members (room_id, user_id, role) values (${room}, ${u.id}, 'member')`);

  let n = 0;
  const input = (): AppendInput => {
    const u = users[n % SENDERS]!;
    const other = users[(n + 1) % SENDERS]!;
    n += 1;
    return {
      id: randomUUID(),
      roomId: room,
      senderId: u.id,
      senderName: u.name,
      recipientId: null,
      kind: "text",
      content: `${MENTIONS ? `@${other.name} ` : ""}hot room message number ${n} with a few words of ordinary chat text`,
      replyTo: null,
      clientId: randomUUID(),
      meta: null,
      mentionRequest: MENTIONS ? { names: [other.name], here: [], room: false } : null,
    };
  };

  for (const size of SIZES) {
    // Warm-up: prepares the statements of this batch shape.
    for (let i = 0; i < 3; i++) await appendBatches(db, [{ room, inputs: Array.from({ length: size }, input) }]);
    let messages = 0;
    let transactions = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    while (performance.now() - started < SECONDS * 1000) {
      const inputs = Array.from({ length: size }, input);
      const [results] = await appendBatches(db, [{ room, inputs }]);
      messages += results!.filter((r) => r.ok).length;
      transactions += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      JSON.stringify({
        driver: handle.driver,
        batch: size,
        mentions: MENTIONS,
        messagesPerS: Math.round(messages / elapsed),
        transactionsPerS: Math.round(transactions / elapsed),
        msPerTransaction: +((elapsed * 1000) / transactions).toFixed(2),
        mainThreadCpuMsPerMessage: +((used.user + used.system) / 1000 / messages).toFixed(3),
      }),
    );
  }
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
