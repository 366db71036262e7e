/**
 * The model behind the assistant: any OpenAI-compatible chat-completions endpoint that streams
 * (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio), through the `openai` client. The server
 * runs it in a thread of its own (provider-thread.ts); this module is what that thread runs.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { Config } from "@/server/config";

export type PromptMessage = { role: "system" | "user" | "assistant"; content: string };

/** One piece of a streamed answer. */
export type StreamPart = { text: string } | { finish: "stop" | "length" } | { usage: { prompt: number; completion: number } };

export interface Provider {
  readonly model: string;
  /** Streams the answer; aborting `signal` really closes the HTTP request. */
  stream(messages: PromptMessage[], signal: AbortSignal): AsyncIterable<StreamPart>;
}

/** What the provider needs of the configuration (all a thread is given). */
export type ProviderConfig = Pick<Config, "AI_BASE_URL" | "AI_API_KEY" | "AI_MODEL" | "AI_MAX_TOKENS" | "AI_TIMEOUT_MS">;

export function createProvider(config: ProviderConfig): Provider {
  const model = config.AI_MODEL!;
  const client = new OpenAI({
    baseURL: config.AI_BASE_URL,
    // Local servers (Ollama, llama.cpp) take no key: the client needs one, the request gets none.
    apiKey: config.AI_API_KEY ?? "unused",
    ...(config.AI_API_KEY ? {} : { defaultHeaders: { Authorization: null } }),
    // Retries would repeat a request whose answer already reached the room in part.
    maxRetries: 0,
    timeout: config.AI_TIMEOUT_MS,
  });
  return {
    model,
    async *stream(messages, signal) {
      const stream = await client.chat.completions.create(
        { model, messages, stream: true, max_tokens: config.AI_MAX_TOKENS, stream_options: { include_usage: true } },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta?.content;
        if (text) yield { text };
        if (choice?.finish_reason) yield { finish: choice.finish_reason === "length" ? "length" : "stop" };
        if (chunk.usage) yield { usage: { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens } };
      }
    },
  };
}

/** A provider failure as it crosses from the provider's thread: the client's error classes do not. */
export type FailureInfo = { abort: boolean; reason: string; note: string; message: string };

export class ProviderFailure extends Error {
  constructor(readonly info: FailureInfo) {
    super(info.message);
    this.name = "ProviderFailure";
  }
}

/** What a room is told when a reply was stopped on purpose (cancel, nobody watching, shutdown). */
export const STOPPED_NOTE = "The reply was stopped.";

/** Whether the error is our own abort (cancel, idle, timeout) rather than the provider's. */
export const isAbort = (err: unknown) =>
  err instanceof ProviderFailure ? err.info.abort : err instanceof APIUserAbortError || (err instanceof Error && err.name === "AbortError");

/** A sentence for the room about a provider failure; never the key or the full URL. */
export function describeProviderError(err: unknown): { reason: string; note: string } {
  if (err instanceof ProviderFailure) return { reason: err.info.reason, note: err.info.note };
  if (err instanceof APIConnectionTimeoutError) return { reason: "timeout", note: "The AI provider did not answer in time, so the reply was stopped." };
  if (err instanceof APIError && err.status !== undefined) {
    return { reason: `http_${err.status}`, note: `The AI provider answered with an error (HTTP ${err.status}).` };
  }
  if (err instanceof APIConnectionError) return { reason: "connection", note: "The AI provider could not be reached." };
  return { reason: "internal", note: "The assistant failed to answer." };
}

/** The failure as `ProviderFailure` carries it across threads. */
export const failureInfo = (err: unknown): FailureInfo => ({
  abort: isAbort(err),
  ...describeProviderError(err),
  message: err instanceof Error ? err.message : String(err),
});
