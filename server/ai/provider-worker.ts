/**
 * The provider's thread (see provider-thread.ts): runs the streams the main thread starts,
 * aborts the ones it stops, and posts every stream's events of one turn as one message.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { ProviderEvent, ToProviderThread } from "./provider-thread";
import { createProvider, failureInfo, type PromptMessage, type ProviderConfig } from "./provider";

/**
 * Parsing provider chunks yields to people's messages when the cores are short: on Linux each
 * thread has its own nice value, set through its thread id (/proc/thread-self names it). The
 * kernel still gives this thread whatever CPU nothing else wants; elsewhere it keeps the default.
 */
const PROVIDER_THREAD_NICE = 10;
try {
  const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, PROVIDER_THREAD_NICE);
} catch {
  // No /proc (not Linux), or the priority may not be changed here: run at the default.
}

const port = parentPort!;
const provider = createProvider(workerData as ProviderConfig);
const running = new Map<number, AbortController>();
let outbox: ProviderEvent[] = [];

const flush = () => {
  port.postMessage(outbox);
  outbox = [];
};

const emit = (event: ProviderEvent) => {
  // Chunks parsed in the same turn (several streams' reads) cross together: one wake-up of the main thread.
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(event);
};

async function run(id: number, messages: PromptMessage[]): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    for await (const part of provider.stream(messages, controller.signal)) emit({ id, part });
    emit({ id, end: true });
  } catch (err) {
    emit({ id, failure: failureInfo(err) });
  } finally {
    running.delete(id);
  }
}

port.on("message", (message: ToProviderThread) => {
  if (message.op === "start") void run(message.id, message.messages);
  else running.get(message.id)?.abort();
});
