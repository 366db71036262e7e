/**
 * The harness's worker threads: clients are dealt out to the workers, and every phase runs
 * on all of them at once; results come back per worker for the scenario to merge.
 */
import { Worker } from "node:worker_threads";
import type { ClientSpec } from "./client";
import { Histogram, type HistogramData } from "./histogram";
import type { ConnectArgs, ConnectResult, LoadArgs, LoadResult, VerifyResult, WorkerInit } from "../worker";
import type { Protocol } from "../systems";

const workerUrl = new URL("./worker-entry.mjs", import.meta.url);

export class Pool {
  private nextId = 0;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly workers: Worker[];

  /** `assign(client)` picks the worker of a client (default: round-robin). */
  constructor(protocol: Protocol, specs: ClientSpec[], size: number, assign?: (spec: ClientSpec, index: number) => number) {
    const shares: ClientSpec[][] = Array.from({ length: size }, () => []);
    specs.forEach((spec, i) => shares[(assign ? assign(spec, i) : i) % size]!.push(spec));
    this.workers = shares.map((clients) => {
      const worker = new Worker(workerUrl, { workerData: { protocol, clients } satisfies WorkerInit });
      worker.on("message", (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) waiter?.resolve(m.result);
        else waiter?.reject(new Error(m.error));
      });
      worker.on("error", (err) => {
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      });
      return worker;
    });
  }

  private call<T>(worker: Worker, message: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, ...message });
    });
  }

  private all<T>(message: object | ((index: number) => object)): Promise<T[]> {
    return Promise.all(this.workers.map((w, i) => this.call<T>(w, typeof message === "function" ? message(i) : message)));
  }

  async connect(args: ConnectArgs): Promise<ConnectResult> {
    const parts = await this.all<ConnectResult>({ cmd: "connect", args: { ...args, concurrency: Math.ceil(args.concurrency / this.workers.length) } });
    const errors: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
    return {
      ok: sum(parts, (p) => p.ok),
      failed: sum(parts, (p) => p.failed),
      attempts: sum(parts, (p) => p.attempts),
      ready: mergeHist(parts.map((p) => p.ready)),
      joined: mergeHist(parts.map((p) => p.joined)),
      errors,
      startedAt: Math.min(...parts.map((p) => p.startedAt)),
      finishedAt: Math.max(...parts.map((p) => p.finishedAt)),
    };
  }

  async load(args: LoadArgs | ((index: number) => LoadArgs)): Promise<LoadResult> {
    const parts = await this.all<LoadResult>((i) => ({ cmd: "load", args: typeof args === "function" ? args(i) : args }));
    const errors: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
    return {
      sent: sum(parts, (p) => p.sent),
      acked: sum(parts, (p) => p.acked),
      ackedInWindow: sum(parts, (p) => p.ackedInWindow),
      deliveredInWindow: sum(parts, (p) => p.deliveredInWindow),
      deliveredTotal: sum(parts, (p) => p.deliveredTotal),
      late: sum(parts, (p) => p.late),
      errors,
      ack: mergeHist(parts.map((p) => p.ack)),
      delivery: mergeHist(parts.map((p) => p.delivery)),
    };
  }

  async verify(finalSeq: Record<string, number>, since: number): Promise<VerifyResult> {
    const parts = await this.all<VerifyResult>({ cmd: "verify", args: { finalSeq, since } });
    return {
      clients: sum(parts, (p) => p.clients),
      resumed: sum(parts, (p) => p.resumed),
      duplicates: sum(parts, (p) => p.duplicates),
      gaps: sum(parts, (p) => p.gaps),
      gapFrames: sum(parts, (p) => p.gapFrames),
      caughtUp: mergeHist(parts.map((p) => p.caughtUp)),
      notCaughtUp: sum(parts, (p) => p.notCaughtUp),
    };
  }

  /** Closes every client, then ends the worker threads. */
  async close(): Promise<void> {
    await Promise.race([this.all({ cmd: "close" }), new Promise((r) => setTimeout(r, 15_000))]);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  get size(): number {
    return this.workers.length;
  }
}

function sum<T>(items: T[], f: (item: T) => number): number {
  return items.reduce((a, item) => a + f(item), 0);
}

function mergeHist(parts: HistogramData[]): HistogramData {
  const h = new Histogram();
  for (const p of parts) h.merge(p);
  return h.toJSON();
}
