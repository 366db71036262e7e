/**
 * One reply being generated, on the instance that stored its request. The reply is a normal
 * stored message created at the first token; every later piece of text is a `delta` frame on
 * the room's bus topic, and the text so far is written to the row every AI_FLUSH_MS (batched
 * over the instance's replies by the service) so it survives in the database. The generation ends with the final text in the row and a
 * `message_updated` carrying `streaming: false` and the `meta` of docs/ai.md.
 */
import { randomUUID } from "node:crypto";
import { writeStream } from "@/db/queries/ai";
import type { RoomRow } from "@/db/queries/rooms";
import type { Message, ServerFrame } from "@/protocol";
import { publishFrame, publishToUser, publishTyping, roomTopic } from "@/server/bus";
import { typingEnabled } from "@/server/chat/permissions";
import { retentionCutoff } from "@/server/chat/messages";
import { toWireMessage } from "@/server/chat/wire";
import type { Runtime } from "@/server/runtime";
import type { GenerationLocks, Holder } from "./locks";
import { buildPrompt } from "./prompt";
import { describeProviderError, isAbort, STOPPED_NOTE, type Provider } from "./provider";

export type Finish = "stop" | "length" | "cancelled" | "error";
type Actor = { id: string; username: string };
export type GenerationRoom = Pick<RoomRow, "id" | "name" | "visibility" | "settings">;

/** What a generation needs from the service that started it. */
export interface GenerationContext {
  runtime: Runtime;
  bot: Actor;
  provider: Provider;
  locks: GenerationLocks;
  ensureMember(room: GenerationRoom): Promise<void>;
  /** Whether someone on this instance watches: the requester has a socket, or a socket joined the room. */
  watchedHere(roomId: string, requesterId: string): boolean;
  /** Asks the other instances whether they have watchers (answers call `watched`). */
  askWatchers(generation: Generation): void;
  /** Settles when the batched write of streaming texts in flight (if any) is done (service). */
  flushing(): Promise<void>;
  /**
   * How long text may wait to be published with the text after it (ms, 0: every provider chunk
   * is its own delta at once). Asked per chunk: coalescing applies while the instance is busy.
   */
  deltaWindowMs(): number;
  /**
   * Text is waiting (`sendPending`): the service publishes every waiting reply's text on one
   * shared tick per window, so one turn of the event loop carries all of them (service.ts).
   */
  schedulePending(generation: Generation): void;
}

/** The reply's meta while it streams: `stream_index` is the first delta its stored content lacks. */
const streamingMeta = (model: string, requester: string, index: number) => ({ streaming: true, stream_index: index, model, requester });

export class Generation {
  readonly id = randomUUID();
  reply: Message | null = null;
  /** The reply's text so far: the first piece plus deltas 0..nextIndex-1. */
  content = "";
  nextIndex = 0;
  /** Where delta `i`'s text ends in `content` (UTF-16 units): an SSE resume's catch-up (server/sse). */
  private readonly deltaEnds: number[] = [];
  /** Set once the final text is written: snapshots then say it no longer streams. */
  done = false;
  private readonly abort = new AbortController();
  private stopped: { finish: "cancelled" | "error"; note: string; reason: string } | null = null;
  private finish: "stop" | "length" | null = null;
  private usage: { prompt: number; completion: number } | null = null;
  private refused = false;
  private readonly startedAt = performance.now();
  private ttftMs: number | null = null;
  private lastWatched = Date.now();
  private flushedIndex = 0;
  /** Set when the final text is about to be written: no batched flush writes this row any more. */
  private finalizing = false;
  private readonly holder: Holder;
  /** Provider text not yet published: it goes out as one delta when the window allows. */
  private pending = "";

  constructor(
    private readonly ctx: GenerationContext,
    readonly request: Message,
    readonly requester: Actor,
    readonly room: GenerationRoom,
    holder: Holder,
  ) {
    this.holder = { ...holder, request: request.id };
  }

  /** A reply to a private request is private to the requester. */
  private get audience(): { only?: string[] } {
    return this.request.to ? { only: [this.requester.id, this.ctx.bot.id] } : {};
  }

  matches(messageId: string): boolean {
    return this.request.id === messageId || this.reply?.id === messageId;
  }

  /** Someone watches (an answer from another instance). */
  watched(): void {
    this.lastWatched = Date.now();
  }

  /** Ends the generation early; the provider request is aborted and the text so far kept. */
  stop(finish: "cancelled" | "error", note: string, reason: string): void {
    if (this.stopped || this.done) return;
    this.stopped = { finish, note, reason };
    this.abort.abort();
  }

  /** The reply as a catch-up sees it: its text so far, and the first delta that text lacks. */
  snapshot(): { message: Message; nextIndex: number; streaming: boolean } | null {
    if (!this.reply) return null;
    const message: Message = {
      ...this.reply,
      content: this.content,
      streaming: true,
      meta: streamingMeta(this.ctx.provider.model, this.requester.id, this.nextIndex),
    };
    return { message, nextIndex: this.nextIndex, streaming: !this.done };
  }

  /**
   * Where delta `index`'s text ends in the reply's text (the text only grows, so this holds in
   * every snapshot that has the delta); null when out of range.
   */
  deltaEnd(index: number): number | null {
    return this.deltaEnds[index] ?? null;
  }

  /** `deltaEnd` of the delta `ref` names, when it is one of this generation's reply. */
  static deltaEndOf(generation: Generation, ref: { seq: number; index: number } | undefined): number | null {
    return ref && generation.reply?.seq === ref.seq ? generation.deltaEnd(ref.index) : null;
  }

  async run(): Promise<void> {
    const { runtime } = this.ctx;
    const { config, metrics, log } = runtime;
    metrics.aiActive.inc();
    const stopTyping = this.showTyping();
    const watchEvery = Math.max(50, Math.min(1_000, Math.floor(config.AI_IDLE_CANCEL_MS / 4)));
    const watch = setInterval(() => this.checkWatchers(), watchEvery);
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => this.stop("error", `The AI provider sent nothing for ${Math.round(config.AI_TIMEOUT_MS / 100) / 10} s, so the reply was stopped.`, "timeout"),
        config.AI_TIMEOUT_MS,
      );
    };
    try {
      await this.ctx.ensureMember(this.room);
      const prompt = await buildPrompt(runtime.db, {
        roomId: this.room.id,
        roomName: this.room.name,
        requesterId: this.requester.id,
        bot: this.ctx.bot,
        upToSeq: this.request.seq,
        limit: config.AI_CONTEXT_MESSAGES,
        systemPrompt: config.AI_SYSTEM_PROMPT,
        notBefore: retentionCutoff(this.room),
      });
      armIdle();
      for await (const part of this.ctx.provider.stream(prompt, this.abort.signal)) {
        armIdle();
        if ("text" in part) await this.append(part.text);
        else if ("finish" in part) this.finish = part.finish;
        else this.usage = part.usage;
        if (this.stopped) break;
      }
    } catch (err) {
      if (!this.stopped) {
        if (isAbort(err)) this.stopped = { finish: "cancelled", note: STOPPED_NOTE, reason: "aborted" };
        else {
          const { reason, note } = describeProviderError(err);
          log.warn({ err: err instanceof Error ? err.message : String(err), room: this.room.id, reason }, "ai: generation failed");
          this.stopped = { finish: "error", note, reason };
        }
      }
    } finally {
      // Text held back by the window still reaches live viewers as a delta before the final update.
      this.sendPending();
      clearTimeout(idle);
      clearInterval(watch);
      stopTyping();
      try {
        await this.complete();
      } catch (err) {
        log.error({ err, room: this.room.id, request: this.request.id }, "ai: finishing a reply failed");
      }
      metrics.aiActive.dec();
      await this.ctx.locks.release(this.requester.id, this.holder.client).catch((err: unknown) => log.warn({ err }, "ai: releasing a generation lock failed"));
    }
  }

  /**
   * A piece of text from the provider: the reply's first creates it at once (time to first
   * token is never delayed); later ones go out as the next delta, at most one per delta window
   * (docs/ai.md, "Coalescing"): text that arrives within the window waits and joins the next.
   */
  private async append(text: string): Promise<void> {
    if (!this.reply) return this.createReply(text, true);
    this.pending += text;
    if (this.ctx.deltaWindowMs() === 0) return this.sendPending();
    this.ctx.schedulePending(this);
  }

  /**
   * Publishes the text held back as the next delta. `content`, `nextIndex` and `deltaEnds` only
   * ever describe published text, so a snapshot taken meanwhile plus the deltas after it is
   * exactly the reply's text.
   */
  sendPending(): void {
    if (!this.reply || this.done || this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    const index = this.nextIndex++;
    this.content += text;
    this.deltaEnds.push(this.content.length);
    const frame: ServerFrame = { type: "delta", room: this.room.id, message: this.reply.id, seq: this.reply.seq, index, text };
    this.publish(publishFrame(this.ctx.runtime.bus, this.room.id, frame, this.audience));
  }

  private async createReply(text: string, firstToken: boolean): Promise<void> {
    const { runtime, bot, provider } = this.ctx;
    if (firstToken) {
      this.ttftMs = performance.now() - this.startedAt;
      runtime.metrics.aiTtft.observe(this.ttftMs / 1000);
    }
    const result = await runtime.appends.append({
      id: randomUUID(),
      roomId: this.room.id,
      senderId: bot.id,
      senderName: bot.username,
      recipientId: this.request.to ? this.requester.id : null,
      kind: "text",
      content: text,
      replyTo: this.request.id,
      // One reply per request, even if this ran twice.
      clientId: `ai:${this.request.id}`,
      meta: streamingMeta(provider.model, this.requester.id, 0),
    });
    if (!result.ok) {
      // A moderator muted or removed the assistant: the requester hears why nothing comes.
      this.refused = true;
      this.stop("error", "The assistant may not post in this room.", "refused");
      this.publish(
        publishToUser(runtime.bus, this.requester.id, {
          type: "error",
          code: "FORBIDDEN",
          message: `@${bot.username} may not post in this room (muted or removed), so it cannot answer`,
          retryable: false,
        }),
      );
      return;
    }
    this.reply = toWireMessage(result.message);
    this.content = result.message.content;
    this.publish(runtime.bus.publish(roomTopic(this.room.id), { type: "message", room: this.room.id, message: this.reply }));
    this.publish(this.ctx.locks.update(this.requester.id, { ...this.holder, reply: this.reply.id }));
  }

  private publish(work: Promise<unknown>): void {
    // Stored state is the truth: a lost publish costs a live viewer text the final update restores.
    work.catch((err: unknown) => this.ctx.runtime.log.warn({ err, room: this.room.id }, "ai: publish failed"));
  }

  /**
   * The row's text so far, when it is behind, for the service's batched write every
   * AI_FLUSH_MS (one statement for every reply generating here, not one each): the text is
   * then recoverable from the database. Null when there is nothing new to write.
   */
  flushRow(): { id: string; content: string; meta: Record<string, unknown> } | null {
    if (!this.reply || this.done || this.finalizing || this.nextIndex === this.flushedIndex) return null;
    this.flushedIndex = this.nextIndex;
    return { id: this.reply.id, content: this.content, meta: streamingMeta(this.ctx.provider.model, this.requester.id, this.nextIndex) };
  }

  /** The batched write found the row deleted: the reply stops. */
  rowGone(): void {
    this.stop("cancelled", "The reply was deleted.", "deleted");
  }


  /** Cancels a generation nobody has watched for AI_IDLE_CANCEL_MS. */
  private checkWatchers(): void {
    const { config } = this.ctx.runtime;
    if (this.ctx.watchedHere(this.room.id, this.requester.id)) this.lastWatched = Date.now();
    else this.ctx.askWatchers(this);
    if (Date.now() - this.lastWatched >= config.AI_IDLE_CANCEL_MS) {
      this.stop("cancelled", "Nobody was watching, so the assistant stopped.", "unwatched");
    }
  }

  /** The assistant in the room's `typing` while it generates (its indicator is refreshed before it expires). */
  private showTyping(): () => void {
    const { runtime, bot } = this.ctx;
    if (this.request.to || !typingEnabled(this.room)) return () => {};
    const start = () => this.publish(publishTyping(runtime.bus, this.room.id, bot, "start"));
    start();
    const timer = setInterval(start, Math.max(25, Math.floor(runtime.config.TYPING_TTL_MS / 2)));
    return () => {
      clearInterval(timer);
      this.publish(publishTyping(runtime.bus, this.room.id, bot, "stop"));
    };
  }

  /** Final text and meta to the row, then `message_updated` to the room. */
  private async complete(): Promise<void> {
    const { runtime, provider } = this.ctx;
    // A reply that ends before its first token still exists, so the room sees how it ended.
    if (!this.reply && !this.refused) await this.createReply("", false);
    const finish: Finish = this.stopped?.finish ?? this.finish ?? "stop";
    const durationMs = performance.now() - this.startedAt;
    runtime.metrics.aiGeneration.observe({ finish }, durationMs / 1000);
    if (finish === "error") runtime.metrics.aiErrors.inc({ reason: this.stopped?.reason ?? "unknown" });
    if (this.usage) {
      runtime.metrics.aiTokens.inc({ kind: "prompt" }, this.usage.prompt);
      runtime.metrics.aiTokens.inc({ kind: "completion" }, this.usage.completion);
    }
    if (!this.reply) return;
    const meta: Record<string, unknown> = {
      streaming: false,
      model: provider.model,
      requester: this.requester.id,
      finish,
      ttft_ms: this.ttftMs === null ? null : Math.round(this.ttftMs),
      duration_ms: Math.round(durationMs),
      ...(this.usage ? { tokens: this.usage.completion, prompt_tokens: this.usage.prompt } : {}),
      ...(this.stopped ? { note: this.stopped.note, reason: this.stopped.reason } : {}),
    };
    // An error with no text at all shows its note as the reply.
    const content = this.content === "" && finish === "error" ? (this.stopped?.note ?? "") : this.content;
    this.finalizing = true;
    // A batched write with older text of this row must not land after the final one.
    await this.ctx.flushing();
    this.done = true;
    const written = await writeStream(runtime.db, { id: this.reply.id, content, meta });
    if (!written) return;
    const message: Message = { ...this.reply, content, meta, streaming: false };
    await publishFrame(runtime.bus, this.room.id, { type: "message_updated", room: this.room.id, message }, this.audience);
  }
}
