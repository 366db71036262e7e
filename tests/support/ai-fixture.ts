/**
 * A local OpenAI-compatible chat-completions server for tests: streams scripted chunks as
 * server-sent events on a free loopback port, records every request's prompt, and notices when
 * a client aborts mid-stream. A test picks a request's script by a tag in the requesting
 * message (`[t:<tag>]`), so concurrent tests never share one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Script {
  /** The text pieces streamed, one chunk each. */
  chunks?: string[];
  /**
   * Holds: before the chunk at each of these indices the stream waits for one more
   * `release(tag)` (the first hold for the first release, and so on).
   */
  holdAt?: number[];
  /** Pause between chunks. */
  delayMs?: number;
  /** Answer with this HTTP status and an error body instead of a stream. */
  status?: number;
  finish?: "stop" | "length";
  /** Token counts in a final usage chunk (when the client asks for usage). */
  usage?: { prompt: number; completion: number };
}

export type PromptMessage = { role: string; content: string };

export interface RecordedRequest {
  tag: string | null;
  model: string;
  messages: PromptMessage[];
  /** Whether the client closed the connection before the stream ended. */
  aborted: boolean;
  /** Settles when the response ended: "aborted" or "finished". */
  ended: Promise<"aborted" | "finished">;
  /** The authorization header as received (null when none). */
  authorization: string | null;
}

const DEFAULT_CHUNKS = ["Hello", " there", ", friend", "!"];

export class AiFixture {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly gates = new Map<string, { released: number; waiters: Array<() => void> }>();
  private readonly arrivals: Array<{ tag: string; resolve: (r: RecordedRequest) => void }> = [];
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<AiFixture> {
    const server = createServer();
    const fixture = new AiFixture(server);
    server.on("request", (req, res) => void fixture.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fixture;
  }

  /** The base URL to give as AI_BASE_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  script(tag: string, script: Script): void {
    this.scripts.set(tag, script);
  }

  /** Lets a held stream go on past its next hold (`holdAt`). */
  release(tag: string): void {
    const gate = this.gate(tag);
    gate.released++;
    for (const waiter of gate.waiters.splice(0)) waiter();
  }

  /** Resolves with the request carrying `tag`, once it arrives (or at once if it did). */
  request(tag: string): Promise<RecordedRequest> {
    const seen = this.requests.find((r) => r.tag === tag);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.arrivals.push({ tag, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private gate(tag: string) {
    let gate = this.gates.get(tag);
    if (!gate) this.gates.set(tag, (gate = { released: 0, waiters: [] }));
    return gate;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const body = JSON.parse(raw) as { model: string; messages: PromptMessage[]; stream?: boolean; stream_options?: { include_usage?: boolean } };
    const last = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const tag = /\[t:([\w-]+)\]/.exec(last)?.[1] ?? null;
    let settle!: (how: "aborted" | "finished") => void;
    const record: RecordedRequest = {
      tag,
      model: body.model,
      messages: body.messages,
      aborted: false,
      ended: new Promise((resolve) => (settle = resolve)),
      authorization: req.headers.authorization ?? null,
    };
    this.requests.push(record);
    for (const arrival of this.arrivals.filter((a) => a.tag === tag)) {
      this.arrivals.splice(this.arrivals.indexOf(arrival), 1);
      arrival.resolve(record);
    }
    const script = (tag && this.scripts.get(tag)) || {};
    if (script.status) {
      res.writeHead(script.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "fixture error", type: "server_error" } }));
      settle("finished");
      return;
    }
    this.open.add(res);
    res.on("close", () => {
      this.open.delete(res);
      if (!res.writableFinished) {
        record.aborted = true;
        settle("aborted");
      } else settle("finished");
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunks = script.chunks ?? DEFAULT_CHUNKS;
    const send = (delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>) =>
      res.write(
        `data: ${JSON.stringify({
          id: "chatcmpl-fixture",
          object: "chat.completion.chunk",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
          ...(usage ? { usage } : {}),
        })}\n\n`,
      );
    send({ role: "assistant", content: "" }, null);
    for (let i = 0; i < chunks.length; i++) {
      if (record.aborted) return;
      const hold = script.holdAt?.indexOf(i) ?? -1;
      if (hold >= 0) {
        const gate = this.gate(tag ?? "");
        while (gate.released <= hold && !record.aborted) await new Promise<void>((resolve) => gate.waiters.push(resolve));
        if (record.aborted) return;
      }
      if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      if (record.aborted) return;
      send({ content: chunks[i] }, null);
    }
    send({}, script.finish ?? "stop");
    if (body.stream_options?.include_usage && script.usage) {
      send({}, null, { prompt_tokens: script.usage.prompt, completion_tokens: script.usage.completion, total_tokens: script.usage.prompt + script.usage.completion });
    }
    res.end("data: [DONE]\n\n");
  }
}
