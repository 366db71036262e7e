/**
 * Main-thread side of the embedded database: starts PGlite in a worker thread and hands out
 * duplex streams that carry the Postgres wire protocol to it, for postgres.js's `socket`
 * option. Nothing listens on a port or a file; only this process can reach the database.
 *
 * PGlite has no lock of its own and two openers of one data dir corrupt it, so the dir is
 * held through a lock file naming this process for as long as the worker runs. Being a
 * thread, the worker dies with the process (kill -9 included), which leaves a stale lock that
 * the next start recognises by its dead pid.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { Duplex } from "node:stream";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit } from "./messages";

/** The error code of every failure caused by the worker being gone (see server/errors.ts). */
export const WORKER_UNAVAILABLE = "PGLITE_WORKER_UNAVAILABLE";

const CLOSE_TIMEOUT_MS = 10_000;

export interface EmbeddedDatabase {
  /** A new wire-protocol connection to the worker. */
  connect(): Duplex;
  /** Ends every connection, closes PGlite (a clean shutdown checkpoint) and releases the dir. */
  close(): Promise<void>;
}

const unavailable = (message: string) => Object.assign(new Error(message), { code: WORKER_UNAVAILABLE });

class WorkerSocket extends Duplex {
  constructor(
    private readonly post: (msg: ToWorker, transfer?: ArrayBuffer[]) => void,
    private readonly forget: (conn: number) => void,
    readonly conn: number,
  ) {
    super();
    post({ op: "open", conn });
  }

  /** postgres.js reads net.Socket's readyState to decide whether to say goodbye. */
  get readyState(): "open" | "closed" {
    return this.destroyed ? "closed" : "open";
  }

  override _read() {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void) {
    const bytes = new Uint8Array(chunk);
    this.post({ op: "data", conn: this.conn, bytes }, [bytes.buffer]);
    callback();
  }

  /** Chunks written in one tick cross to the worker as one message: a postMessage costs more than the copy. */
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void) {
    const bytes = new Uint8Array(Buffer.concat(chunks.map((c) => c.chunk)));
    this.post({ op: "data", conn: this.conn, bytes }, [bytes.buffer]);
    callback();
  }

  override _final(callback: (err?: Error | null) => void) {
    this.post({ op: "end", conn: this.conn });
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void) {
    this.post({ op: "end", conn: this.conn });
    this.forget(this.conn);
    callback(err);
  }
}

export async function startEmbeddedDatabase(dir: string): Promise<EmbeddedDatabase> {
  mkdirSync(path.dirname(dir), { recursive: true });
  const lockFile = `${dir}.lock`;
  takeLock(lockFile);

  const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: { dir } satisfies WorkerInit });
  const sockets = new Map<number, WorkerSocket>();
  let nextConn = 1;
  let alive = true;
  let onClosed: (() => void) | undefined;

  const post = (msg: ToWorker, transfer?: ArrayBuffer[]) => {
    if (alive) worker.postMessage(msg, transfer);
  };
  const forget = (conn: number) => sockets.delete(conn);

  const ready = new Promise<void>((resolve, reject) => {
    worker.on("message", (msg: FromWorker) => {
      switch (msg.op) {
        case "ready":
          return resolve();
        case "data":
          return void sockets.get(msg.conn)?.push(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength));
        case "end": {
          const socket = sockets.get(msg.conn);
          socket?.push(null);
          return void socket?.destroy();
        }
        case "fault":
          return void sockets.get(msg.conn)?.destroy(unavailable(`embedded database connection failed: ${msg.message}`));
        case "closed":
          return onClosed?.();
      }
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      alive = false;
      releaseLock(lockFile);
      reject(unavailable(`embedded database worker exited with code ${code} while starting`));
      const err = unavailable(`embedded database worker exited (code ${code})`);
      for (const socket of sockets.values()) socket.destroy(err);
      sockets.clear();
      onClosed?.();
    });
  });
  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    releaseLock(lockFile);
    throw err;
  }

  return {
    connect() {
      if (!alive) throw unavailable("embedded database worker is not running");
      const socket = new WorkerSocket(post, forget, nextConn++);
      sockets.set(socket.conn, socket);
      return socket;
    },
    async close() {
      if (!alive) return;
      const closed = new Promise<void>((resolve) => (onClosed = resolve));
      post({ op: "close" });
      const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
      await Promise.race([closed, timer]);
      await worker.terminate();
      releaseLock(lockFile);
    },
  };
}

function takeLock(file: string) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new Error(
        `the embedded database ${path.dirname(file)} is in use by process ${holder} (lock ${file}); ` +
          "stop that server first, or give this one another DATA_DIR (if no Confab server runs there, delete the lock file)",
      );
    }
    // The holder died without releasing it (kill -9, power loss): the lock is stale.
    unlinkSync(file);
  }
  throw new Error(`could not take the embedded database lock ${file}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseLock(file: string) {
  try {
    if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
  } catch {
    // already gone
  }
}
