/**
 * A small send load against a running server, for counting the storage's system calls:
 *
 *   DATA_DIR=/tmp/x RATE_MESSAGES_PER_MIN=100000 strace -f -c -e trace=fsync,fdatasync,pwrite64 -o /tmp/strace.txt \
 *     node --import tsx server/index.ts &
 *   node --import tsx bench/storage/send-load.ts http://127.0.0.1:3000 [messages=200] [concurrency=10]
 *
 * Registers a user, creates a room and sends `messages` messages, `concurrency` at a time, each
 * waited for until acked; prints how many were acked.
 */
import { randomUUID } from "node:crypto";
import { createRoom, registerUser, TestSocket } from "../../tests/support/client";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const total = Number(process.argv[3] ?? 200);
const concurrency = Number(process.argv[4] ?? 10);

const user = await registerUser(base, "load");
const room = await createRoom(base, user);
const socket = await TestSocket.connect(`${base.replace(/^http/, "ws")}/ws`, user);
await socket.join(room);
let acked = 0;
for (let sent = 0; sent < total; sent += concurrency) {
  const batch = Array.from({ length: Math.min(concurrency, total - sent) }, (_, i) =>
    socket.request({ type: "send", id: randomUUID(), room, content: `load ${sent + i}` }, 30_000),
  );
  acked += (await Promise.all(batch)).filter((f) => f.type === "ack").length;
}
await socket.close();
console.log(JSON.stringify({ sent: total, acked }));
