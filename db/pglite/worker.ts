/**
 * The embedded database's thread: PGlite runs here so its WASM and JavaScript glue never take
 * the server's event loop. The main thread speaks the Postgres wire protocol to it over the
 * worker's message port (see bridge.ts), so postgres.js serves both storage shapes.
 *
 * PGlite has a single backend: a connection that has begun a transaction or an extended-query
 * sequence (Parse … Sync) owns it until the backend reports ReadyForQuery "idle"; other
 * connections' messages wait for that, so statements never interleave.
 */
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import type { FromWorker, ToWorker, WorkerInit } from "./messages";

/**
 * Emscripten's NODEFS has no fsync, so every fsync Postgres issues is a no-op and commits are
 * durable against a process kill but not a power loss. Implementing it makes Postgres's own
 * rules apply: the WAL is flushed to disk before a commit returns, and checkpoints flush data
 * files before the WAL they replace is recycled.
 */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS["init"]>[1]) {
    const result = await super.init(pg, opts);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [
      ...(Array.isArray(preRun) ? preRun : [preRun]),
      (mod: { NODEFS: { stream_ops: { fsync?: (stream: { nfd?: number }) => number } } }) => {
        mod.NODEFS.stream_ops.fsync = (stream) => {
          if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
          return 0;
        };
      },
    ];
    return result;
  }
}

/**
 * PGlite starts Postgres with -F (fsync off). Without it, fsync is on; the WAL is synced with
 * fsync() because Emscripten implements fdatasync() as a no-op, while fsync() reaches the
 * filesystem's hook above.
 */
const startParams = [...PGlite.defaultStartParams.filter((p) => p !== "-F"), "-c", "wal_sync_method=fsync"];

const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const IDLE = 0x49; // 'I'

const port = parentPort!;
const { dir } = workerData as WorkerInit;
const post = (msg: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(msg, transfer);

let owner: number | null = null;
let waiters: Array<() => void> = [];

async function acquire(conn: number) {
  while (owner !== null && owner !== conn) await new Promise<void>((resolve) => waiters.push(resolve));
  owner = conn;
}

function release(conn: number) {
  if (owner !== conn) return;
  owner = null;
  const woken = waiters;
  waiters = [];
  woken.forEach((wake) => wake());
}

interface Connection {
  buffer: Buffer;
  started: boolean;
  queue: Promise<void>;
  closed: boolean;
}

const connections = new Map<number, Connection>();

/** Splits off the complete messages at the head of `c.buffer`. */
function takeMessages(c: Connection): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const b = c.buffer;
    if (!c.started) {
      // Untyped start-up packets: SSLRequest (answered "no"), CancelRequest, StartupMessage.
      if (b.length < 8) break;
      const len = b.readInt32BE(0);
      if (b.length < len) break;
      out.push(b.subarray(0, len));
      c.buffer = b.subarray(len);
      const code = b.readInt32BE(4);
      if (code !== SSL_REQUEST && code !== CANCEL_REQUEST) c.started = true;
      continue;
    }
    if (b.length < 5) break;
    const len = 1 + b.readInt32BE(1);
    if (b.length < len) break;
    out.push(b.subarray(0, len));
    c.buffer = b.subarray(len);
  }
  return out;
}

async function run(conn: number, c: Connection, message: Buffer) {
  if (c.closed) return;
  if (!c.started || message.length === 8) {
    const code = message.length >= 8 ? message.readInt32BE(4) : 0;
    if (code === SSL_REQUEST) return send(conn, Buffer.from("N"));
    if (code === CANCEL_REQUEST) return; // one backend, nothing to cancel
  }
  if (message[0] === TERMINATE && c.started) return endConnection(conn, c);
  await acquire(conn);
  const chunks: Uint8Array[] = [];
  await db.execProtocolRawStream(new Uint8Array(message), { onRawData: (data) => chunks.push(data.slice()) });
  const reply = Buffer.concat(chunks);
  // The backend is free again only once it reports ReadyForQuery with status idle.
  const n = reply.length;
  if (n >= 6 && reply[n - 6] === READY_FOR_QUERY && reply.readInt32BE(n - 5) === 5 && reply[n - 1] === IDLE) {
    release(conn);
  }
  if (n > 0) send(conn, reply);
}

function send(conn: number, bytes: Buffer) {
  const copy = new Uint8Array(bytes);
  post({ op: "data", conn, bytes: copy }, [copy.buffer]);
}

async function endConnection(conn: number, c: Connection) {
  if (c.closed) return;
  c.closed = true;
  connections.delete(conn);
  if (owner === conn) {
    // A client that vanished mid-transaction must not leave the single backend inside it.
    if (db.isInTransaction()) await db.exec("ROLLBACK");
    release(conn);
  }
  // A Postgres session's prepared statements end with it. Here every connection shares one
  // backend, so they go when the last connection leaves; otherwise each connection postgres.js
  // recycles (max_lifetime) would leave its statements behind for good. Its statement names are
  // random per connection, so a later connection never meets an earlier one's.
  if (connections.size === 0 && owner === null && !db.closed) await db.exec("DEALLOCATE ALL");
  post({ op: "end", conn });
}

function onMessage(msg: ToWorker) {
  if (msg.op === "close") {
    void Promise.all([...connections].map(([conn, c]) => (c.queue = c.queue.then(() => endConnection(conn, c)))))
      .then(() => db.close())
      .then(() => post({ op: "closed" }));
    return;
  }
  const c = connections.get(msg.conn);
  if (msg.op === "open") {
    connections.set(msg.conn, { buffer: Buffer.alloc(0), started: false, queue: Promise.resolve(), closed: false });
    return;
  }
  if (!c) return;
  if (msg.op === "end") {
    const conn = msg.conn;
    c.queue = c.queue.then(() => endConnection(conn, c));
    return;
  }
  c.buffer = c.buffer.length ? Buffer.concat([c.buffer, msg.bytes]) : Buffer.from(msg.bytes);
  const conn = msg.conn;
  for (const batch of batches(c.started, takeMessages(c))) {
    c.queue = c.queue.then(() => run(conn, c, batch)).catch((err: unknown) => fail(conn, c, err));
  }
}

/**
 * Groups consecutive regular messages (a query's Parse, Bind, Describe, Execute and Sync, or a
 * pipeline of queries) into one buffer: PGlite runs a buffer of batched messages in one call,
 * so a query costs one call into the backend and one reply to the main thread instead of one
 * per protocol message. Start-up packets and Terminate stay on their own.
 */
function batches(startedBefore: boolean, messages: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer[] = [];
  const flush = () => {
    if (run.length) out.push(run.length === 1 ? run[0]! : Buffer.concat(run));
    run = [];
  };
  let started = startedBefore;
  for (const message of messages) {
    const regular = started && message[0] !== TERMINATE;
    if (!started && message.length >= 8) {
      const code = message.readInt32BE(4);
      if (code !== SSL_REQUEST && code !== CANCEL_REQUEST) started = true;
    }
    if (regular) {
      run.push(message);
    } else {
      flush();
      out.push(message);
    }
  }
  flush();
  return out;
}

/** A connection whose message broke the bridge (not a SQL error: those are replies) is ended. */
async function fail(conn: number, c: Connection, err: unknown) {
  post({ op: "fault", conn, message: err instanceof Error ? err.message : String(err) });
  await endConnection(conn, c);
}

const db = await PGlite.create({ fs: new DurableNodeFS(dir), startParams });
port.on("message", onMessage);
post({ op: "ready" });
