/**
 * The provider's thread (server/ai/provider-thread.ts) against the local OpenAI-compatible
 * fixture: parts arrive in order, every way a stream stops really closes the HTTP request, the
 * provider's errors keep their description across the thread, and a dead thread fails its
 * streams and is replaced by the next one. On Linux the thread runs at a lower priority than the
 * rest of the server.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { after, before, describe, test } from "node:test";
import type { Worker } from "node:worker_threads";
import { describeProviderError, isAbort, type StreamPart } from "@/server/ai/provider";
import { ThreadedProvider } from "@/server/ai/provider-thread";
import { createLogger } from "@/server/log";
import { AiFixture } from "../support/ai-fixture";

let fixture: AiFixture;
let provider: ThreadedProvider;

before(async () => {
  fixture = await AiFixture.start();
  provider = new ThreadedProvider({ AI_BASE_URL: fixture.url, AI_API_KEY: undefined, AI_MODEL: "fixture-model", AI_MAX_TOKENS: 64, AI_TIMEOUT_MS: 10_000 }, createLogger("silent"));
});

after(async () => {
  await provider.close();
  await fixture.close();
});

const ask = (tag: string) => [{ role: "user" as const, content: `hi [t:${tag}]` }];

async function collect(parts: AsyncIterable<StreamPart>): Promise<{ parts: StreamPart[]; error: unknown }> {
  const seen: StreamPart[] = [];
  try {
    for await (const part of parts) seen.push(part);
    return { parts: seen, error: null };
  } catch (error) {
    return { parts: seen, error };
  }
}

describe("the provider's thread", { timeout: 20_000 }, () => {
  test("streams the provider's text, finish and usage in order", async () => {
    fixture.script("order", { chunks: ["a", "b", "c", "d"], usage: { prompt: 9, completion: 4 } });
    const { parts, error } = await collect(provider.stream(ask("order"), new AbortController().signal));
    assert.equal(error, null);
    assert.deepEqual(parts, [{ text: "a" }, { text: "b" }, { text: "c" }, { text: "d" }, { finish: "stop" }, { usage: { prompt: 9, completion: 4 } }]);
    assert.equal((await fixture.request("order")).model, "fixture-model");
  });

  test("aborting the signal ends the stream at once, and the thread aborts the HTTP request", async () => {
    fixture.script("abort", { chunks: ["x0", "x1", "x2"], holdAt: [1] });
    const controller = new AbortController();
    const seen: StreamPart[] = [];
    let error: unknown = null;
    try {
      for await (const part of provider.stream(ask("abort"), controller.signal)) {
        seen.push(part);
        // The stream now waits at the fixture's hold: only the abort can end it.
        controller.abort();
      }
    } catch (err) {
      error = err;
    }
    assert.deepEqual(seen, [{ text: "x0" }]);
    assert.ok(isAbort(error), `an abort, not ${String(error)}`);
    assert.equal(await (await fixture.request("abort")).ended, "aborted");
  });

  test("a reader that stops reading aborts the HTTP request", async () => {
    fixture.script("early", { chunks: ["e0", "e1", "e2"], holdAt: [1] });
    for await (const part of provider.stream(ask("early"), new AbortController().signal)) {
      assert.deepEqual(part, { text: "e0" });
      break;
    }
    assert.equal(await (await fixture.request("early")).ended, "aborted");
  });

  test("a provider's HTTP error keeps its description across the thread", async () => {
    fixture.script("fail", { status: 503 });
    const { parts, error } = await collect(provider.stream(ask("fail"), new AbortController().signal));
    assert.deepEqual(parts, []);
    assert.equal(isAbort(error), false);
    assert.deepEqual(describeProviderError(error), { reason: "http_503", note: "The AI provider answered with an error (HTTP 503)." });
  });

  test("the thread yields the CPU to the server's other threads: its nice value is 10 (Linux)", { skip: process.platform !== "linux" || getPriority() >= 10 }, async () => {
    // Each thread of this process, with its nice value (field 19 of /proc/<pid>/task/<tid>/stat).
    const niceOfThreads = () =>
      readdirSync("/proc/self/task").map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      });
    fixture.script("nice", { chunks: ["n0", "n1"], holdAt: [1] });
    const streaming = provider.stream(ask("nice"), new AbortController().signal)[Symbol.asyncIterator]();
    // The thread has started and parsed a chunk: its priority was set before it took any work.
    assert.deepEqual((await streaming.next()).value, { text: "n0" });
    // Only the provider's thread is lowered; this thread and node's own helpers keep theirs.
    const nice = niceOfThreads();
    assert.deepEqual(nice.filter((n) => n !== getPriority()), [10], `threads' nice values: ${nice.join(" ")}`);
    fixture.release("nice");
    await streaming.return?.();
  });

  test("a thread that dies fails the streams it carried; the next stream starts a new thread", async () => {
    fixture.script("dies", { chunks: ["d0", "d1"], holdAt: [1] });
    const streaming = provider.stream(ask("dies"), new AbortController().signal)[Symbol.asyncIterator]();
    assert.deepEqual((await streaming.next()).value, { text: "d0" });
    // Killed from outside, as a crash would: the stream must not wait for parts that never come.
    await (provider as unknown as { worker: Worker }).worker.terminate();
    await assert.rejects(streaming.next(), (err: unknown) => !isAbort(err) && describeProviderError(err).reason === "internal");
    assert.equal(await (await fixture.request("dies")).ended, "aborted");

    fixture.script("after", { chunks: ["fine"] });
    const { parts, error } = await collect(provider.stream(ask("after"), new AbortController().signal));
    assert.equal(error, null);
    assert.deepEqual(parts[0], { text: "fine" });
  });
});
