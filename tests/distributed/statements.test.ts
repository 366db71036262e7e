/**
 * DATABASE_PREPARE=off, for poolers that cannot keep a prepared statement with its server
 * connection (PgBouncer before 1.21 in transaction mode): on real Postgres, nothing the app sends
 * is left prepared on the connection, fixed statements (db/pipeline.ts) included, and the chat
 * works the same. With the default, the same statements are held prepared.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { listMessages } from "@/db/queries/messages";
import { getRoomById } from "@/db/queries/rooms";
import { users } from "@/db/schema";
import type { Message } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, waitFor } from "../support/client";
import { servicesEnv, startServer, type TestServer } from "../support/server";

const dataDir = mkdtempSync(path.join(tmpdir(), "confab-prepare-"));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a drizzle select with a parameter and two fixed statements, then counts what the connection holds prepared. */
async function preparedAfterQueries(handle: DatabaseHandle): Promise<number> {
  const room = randomUUID();
  await handle.db.select({ id: users.id }).from(users).where(eq(users.id, randomUUID()));
  assert.equal(await getRoomById(handle.db, { id: room }), null);
  assert.deepEqual(await listMessages(handle.db, { roomId: room, viewerId: randomUUID(), after: 0, limit: 10 }), []);
  const [row] = (await handle.db.execute(sql`select count(*)::int as n from pg_prepared_statements`)) as unknown as Array<{ n: number }>;
  return row!.n;
}

test("with DATABASE_PREPARE off nothing stays prepared on the connection; by default the same statements do", async () => {
  const { DATABASE_URL } = servicesEnv();
  // One connection, so the check reads the session the statements ran on.
  for (const [prepare, expectPrepared] of [
    [false, false],
    [true, true],
  ] as const) {
    const handle = await openDatabase({ databaseUrl: DATABASE_URL, dataDir, poolMax: 1, prepare });
    try {
      const held = await preparedAfterQueries(handle);
      if (expectPrepared) assert.ok(held >= 3, `prepared by default: ${held}`);
      else assert.equal(held, 0);
    } finally {
      await handle.close();
    }
  }
});

test("the chat works with DATABASE_PREPARE off: sends, history and a re-join's replay", async () => {
  const server = await startServer({ ...servicesEnv(), DATABASE_PREPARE: "off" });
  servers.push(server);
  const alice = await registerUser(server.url, "unprepared");
  const room = await createRoom(server.url, alice);
  const socket = await TestSocket.connect(server.wsUrl, alice);
  try {
    const joined = await socket.join(room);
    for (const text of ["one", "two", "three"]) {
      const ack = await socket.request({ type: "send", room, content: text });
      assert.equal(ack.type, "ack", JSON.stringify(ack));
    }
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages?limit=10`, { token: alice.token });
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.messages.filter((m) => m.kind !== "system").map((m) => m.content),
      ["one", "two", "three"],
    );
    const again = await TestSocket.connect(server.wsUrl, alice);
    try {
      await again.join(room, joined.seq);
      // The replay follows `joined`.
      await waitFor(() => again.messages(room).length >= 3, { what: "the replay" });
      assert.deepEqual(
        again.messages(room).map((m) => m.content),
        ["one", "two", "three"],
      );
    } finally {
      await again.close();
    }
  } finally {
    await socket.close();
  }
});
