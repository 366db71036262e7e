/**
 * Group commit for messages: sends to one room that arrive while that room's previous batch is
 * being written (or within the same tick) are appended together, in one transaction with one
 * seq bump and one multi-row insert. Each send is answered only after its batch committed, so
 * "persisted before ack" holds per message; a failed batch fails only the sends in it.
 *
 * One batch per room is in flight at a time on this instance, so this instance commits and
 * publishes a room's messages in seq order; other instances append to the same room under the
 * same row lock, and receivers restore seq order across publishers (server/realtime/registry.ts).
 */
import type { Database } from "@/db/client";
import { appendBatch, appendBatches, type AppendInput, type AppendResult } from "@/db/queries/messages";

/** Writes one room's batch atomically; results in input order. */
export type BatchWriter = (room: string, inputs: readonly AppendInput[]) => Promise<AppendResult[]>;

/** The real writer: one transaction per batch. */
export const transactionalWriter =
  (db: Database): BatchWriter =>
  (room, inputs) =>
    appendBatch(db, room, inputs);

/** Writes several rooms' batches in one transaction; results per batch, in order. */
export type MultiBatchWriter = (batches: ReadonlyArray<{ room: string; inputs: readonly AppendInput[] }>) => Promise<AppendResult[][]>;

/**
 * Rooms share transactions: the batches of all rooms that queue up while a transaction runs
 * are written together in the next one, in the same five statements as one room's batch, so
 * statements and commits (each with its fsync) are paid once per round rather than once per
 * room. Up to `rounds` transactions run at once; they never share a room (AppendQueue keeps one
 * batch per room in flight) and lock rooms in id order, so they cannot deadlock. If a shared
 * transaction fails, each of its batches is retried in a transaction of its own, so one room's
 * failure still fails only its own sends.
 */
export function coalescing(writeMany: MultiBatchWriter, writeOne: BatchWriter, rounds = 1): BatchWriter {
  type Pending = { room: string; inputs: readonly AppendInput[]; resolve: (r: AppendResult[]) => void; reject: (err: unknown) => void };
  let pending: Pending[] = [];
  let running = 0;

  const settleAlone = async (p: Pending) => {
    try {
      p.resolve(await writeOne(p.room, p.inputs));
    } catch (err) {
      p.reject(err);
    }
  };

  const drain = async () => {
    while (pending.length) {
      const round = pending.sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
      pending = [];
      let results: AppendResult[][];
      try {
        results = await writeMany(round);
      } catch (err) {
        if (round.length === 1) round[0]!.reject(err);
        else for (const p of round) await settleAlone(p);
        continue;
      }
      round.forEach((p, i) => p.resolve(results[i]!));
    }
    running--;
  };

  return (room, inputs) =>
    new Promise((resolve, reject) => {
      pending.push({ room, inputs, resolve, reject });
      // Started on the next turn, so rooms flushed in this one (AppendQueue flushes every idle
      // room on the same turn) share the first transaction too.
      if (running < rounds) {
        running++;
        setImmediate(() => void drain());
      }
    });
}

/**
 * The production writer: rooms share transactions, `rounds` of them at once (1 for the
 * embedded database, which has a single backend; part of the pool on Postgres).
 */
export const sharedTransactionWriter = (db: Database, rounds = 1): BatchWriter =>
  coalescing(
    (batches) => appendBatches(db, batches),
    transactionalWriter(db),
    rounds,
  );

/** Upper bound on one batch: keeps a transaction's lock time and statement size bounded. */
export const MAX_BATCH = 256;

type Waiter = { input: AppendInput; resolve: (result: AppendResult) => void; reject: (err: unknown) => void };

export interface AppendObserver {
  /** Called after each committed batch with its results and how long the transaction took. */
  batchCommitted?(results: readonly AppendResult[], durationMs: number): void;
}

export class AppendQueue {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly write: BatchWriter,
    private readonly observer: AppendObserver = {},
  ) {}

  /** Resolves once the message is committed (or was already stored under its client id). */
  append(input: AppendInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      const room = input.roomId;
      let queue = this.waiting.get(room);
      if (!queue) {
        queue = [];
        this.waiting.set(room, queue);
      }
      queue.push({ input, resolve, reject });
      // The first send of an idle room waits one macrotask so sends decoded from the same
      // socket reads join it; later ones ride on the batch after the one in flight.
      if (queue.length === 1 && !this.writing.has(room)) setImmediate(() => void this.flush(room));
    });
  }

  private async flush(room: string): Promise<void> {
    if (this.writing.has(room)) return;
    const queue = this.waiting.get(room);
    if (!queue?.length) {
      this.waiting.delete(room);
      return;
    }
    const batch = queue.splice(0, MAX_BATCH);
    this.writing.add(room);
    const started = performance.now();
    try {
      const results = await this.write(
        room,
        batch.map((w) => w.input),
      );
      this.observer.batchCommitted?.(results, performance.now() - started);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.writing.delete(room);
      if (queue.length) void this.flush(room);
      else this.waiting.delete(room);
    }
  }
}
