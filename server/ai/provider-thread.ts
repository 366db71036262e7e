/**
 * The provider's HTTP streams run in a worker thread. Each streamed chunk costs the openai
 * client, fetch and web streams a dozen promises and a JSON parse, and on the main thread
 * every promise also pays Next.js's AsyncLocalStorage hooks: 100 replies at 20 chunks a second
 * took a third of a core there, time people's messages waited behind (docs/ai.md, "The
 * provider's thread"). The thread sends back what it parsed, all streams' parts of one of its
 * turns in one message, and the main thread only turns parts into deltas.
 *
 * Aborting a stream's signal ends it here at once and tells the thread, which aborts the HTTP
 * request; a thread that dies fails the streams it carried and is started again for the next.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "@/server/log";
import { failureInfo, ProviderFailure, STOPPED_NOTE, type FailureInfo, type PromptMessage, type Provider, type ProviderConfig, type StreamPart } from "./provider";

export type ToProviderThread = { op: "start"; id: number; messages: PromptMessage[] } | { op: "abort"; id: number };

/** One stream's part, its end, or its failure. */
export type ProviderEvent = { id: number; part: StreamPart } | { id: number; end: true } | { id: number; failure: FailureInfo };

const ABORTED: FailureInfo = { abort: true, reason: "aborted", note: STOPPED_NOTE, message: "aborted" };

/** A stream's events, waiting for its reader. */
class Inbox {
  private events: ProviderEvent[] = [];
  private wake: (() => void) | null = null;

  push(event: ProviderEvent): void {
    this.events.push(event);
    this.wake?.();
    this.wake = null;
  }

  /** Every event received since the last call (waits for one). */
  async drain(): Promise<ProviderEvent[]> {
    while (this.events.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    const events = this.events;
    this.events = [];
    return events;
  }
}

export class ThreadedProvider implements Provider {
  readonly model: string;
  private worker: Worker | null = null;
  private readonly inboxes = new Map<number, Inbox>();
  private lastId = 0;
  private closed = false;

  constructor(
    private readonly config: ProviderConfig,
    private readonly log: Logger,
  ) {
    this.model = config.AI_MODEL!;
  }

  async *stream(messages: PromptMessage[], signal: AbortSignal): AsyncIterable<StreamPart> {
    if (signal.aborted || this.closed) throw new ProviderFailure(ABORTED);
    const id = ++this.lastId;
    const inbox = new Inbox();
    this.inboxes.set(id, inbox);
    const abort = () => {
      this.post({ op: "abort", id });
      inbox.push({ id, failure: ABORTED });
    };
    signal.addEventListener("abort", abort, { once: true });
    let ended = false;
    try {
      this.post({ op: "start", id, messages });
      for (;;) {
        for (const event of await inbox.drain()) {
          if ("part" in event) {
            yield event.part;
            continue;
          }
          ended = true;
          if ("failure" in event) throw new ProviderFailure(event.failure);
          return;
        }
      }
    } finally {
      signal.removeEventListener("abort", abort);
      this.inboxes.delete(id);
      // The reader stopped early: the thread must not keep paying for tokens nobody reads.
      if (!ended) this.post({ op: "abort", id });
    }
  }

  /** Ends the thread; streams still open fail as aborted. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [id, inbox] of this.inboxes) inbox.push({ id, failure: ABORTED });
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private post(message: ToProviderThread): void {
    if (this.closed) return;
    this.worker ??= this.spawn();
    this.worker.postMessage(message);
  }

  private spawn(): Worker {
    // Beside this module: in the source tree a loader that registers tsx, in dist/ the compiled thread.
    const { AI_BASE_URL, AI_API_KEY, AI_MODEL, AI_MAX_TOKENS, AI_TIMEOUT_MS } = this.config;
    const workerData: ProviderConfig = { AI_BASE_URL, AI_API_KEY, AI_MODEL, AI_MAX_TOKENS, AI_TIMEOUT_MS };
    const worker = new Worker(new URL("./provider-worker-entry.mjs", import.meta.url), { workerData });
    // The server's shutdown ends it; an idle thread must not keep a finished process alive.
    worker.unref();
    worker.on("message", (events: ProviderEvent[]) => {
      for (const event of events) this.inboxes.get(event.id)?.push(event);
    });
    worker.on("error", (err) => this.log.error({ err }, "ai: the provider thread failed"));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.closed) return;
      this.log.error({ code }, "ai: the provider thread exited; the replies it carried end with an error");
      const failure = failureInfo(new Error(`provider thread exited with code ${code}`));
      for (const [id, inbox] of this.inboxes) inbox.push({ id, failure });
    });
    return worker;
  }
}
