/**
 * The AI assistant (docs/ai.md): a bot user that answers `@<AI_NAME>` in rooms where it is
 * enabled, streaming its reply to the room. A generation runs in-process on the instance that
 * stored its request (no job queue: the work is a long-lived HTTP stream whose every chunk is
 * published live, so it belongs next to the bus connection, and a queue's retry would repeat
 * text the room already saw). Other instances reach it over the bus's AI topic: cancel,
 * catch-up snapshots and "is anyone watching" checks.
 */
import { randomUUID } from "node:crypto";
import { addBotMember, ensureBotUser, listStreamingIds, writeStream, writeStreams } from "@/db/queries/ai";
import { getMessageById } from "@/db/queries/messages";
import { removeMember, type RoomRow } from "@/db/queries/rooms";
import type { Message, MessageKind } from "@/protocol";
import { publishFrame } from "@/server/bus";
import { mayAttempt } from "@/server/chat/permissions";
import { loadRoom } from "@/server/chat/rooms";
import { canSee, isVisibleInRoom, maskBlocked, toWireMessage } from "@/server/chat/wire";
import { AppError } from "@/server/errors";
import { Connection } from "@/server/realtime/connection";
import type { RoomRegistry } from "@/server/realtime/registry";
import type { Runtime } from "@/server/runtime";
import { Generation, type GenerationRoom } from "./generation";
import { MemoryLocks, RedisLocks, type GenerationLocks, type Holder } from "./locks";
import { STOPPED_NOTE } from "./provider";
import { ThreadedProvider } from "./provider-thread";
import { deltaWindowMs, LoopLag } from "./coalesce";
import { AI_TOPIC, type AiSignal } from "./signals";

type Actor = { id: string; username: string };

/** After a batched write of streaming texts that took d ms, the next waits at least this × d. */
const FLUSH_DUTY_FACTOR = 4;
/**
 * Replies one batched write covers at most. Writing all of 100 replies at once held people's
 * messages behind it on the embedded database: their p99 went from ~20–35 ms to 60–240 ms with
 * the replies streaming, against 21–36 ms with the writes off (bench/features/assistant.ts,
 * docs/ai.md). Ten keep each write short; with many replies each row is written less often.
 */
const FLUSH_MAX_ROWS = 10;

/** How long a catch-up waits for the generating instance before trusting the database. */
const SNAPSHOT_TIMEOUT_MS = 2_000;

/** What `GET /api/me` tells the UI about the assistant. */
export type AiInfo = { enabled: false } | { enabled: true; name: string; user: string };

/**
 * A streaming reply as a catch-up delivers it: the text so far, and the first delta it lacks.
 * `deltaEnd`: where the delta asked for with `deltaEndOf` ends in that text, when the
 * generating instance knew (an SSE resume's catch-up delta, on any instance).
 */
export type StreamingSnapshot = { message: Message; nextIndex: number; deltaEnd?: number | null };

/** A delta of a reply, named by the reply's seq (as an SSE event id does). */
export type DeltaRef = { seq: number; index: number };

/** Held from a request's checks until it is stored (or refused). */
export interface Reservation {
  /** The request was stored; `created` false is a client's retry, and starts nothing. */
  stored(request: Message, created: boolean): void;
  release(): void;
}

export interface SendRequest {
  clientId: string;
  content: string;
  kind?: MessageKind;
  to?: string;
}

export class AiService {
  private readonly generations = new Map<string, Generation>();
  private readonly snapshotWaiters = new Map<string, (answer: Extract<AiSignal, { op: "snapshot" }>) => void>();
  /** Rooms where the assistant's membership was ensured by this process. */
  private readonly memberOf = new Set<string>();
  private readonly mention: RegExp;
  private registry: RoomRegistry | undefined;
  /** The batched write of streaming texts in flight (resolved when none). */
  private flushes: Promise<void> = Promise.resolve();
  private flushInFlight = false;
  /** performance.now() before which no batched write starts (see flushStreams). */
  private nextFlushAt = 0;
  private readonly flushTimer: NodeJS.Timeout;
  /** Replies whose text waits for the shared delta tick (schedulePending). */
  private readonly pendingText = new Set<Generation>();
  private deltaTick: NodeJS.Timeout | null = null;
  /** The event loop's lateness while generations run: one input of the delta window. */
  private readonly loopLag = new LoopLag();

  private constructor(
    private readonly runtime: Runtime,
    readonly bot: Actor,
    private readonly provider: ThreadedProvider,
    private readonly locks: GenerationLocks,
  ) {
    const name = bot.username.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    this.mention = new RegExp(`(?:^|[^\\w@])@${name}(?![\\w-])`, "i");
    this.flushTimer = setInterval(() => this.flushStreams(), runtime.config.AI_FLUSH_MS);
    this.flushTimer.unref();
  }

  /**
   * Writes the text so far of the replies generating here whose rows are behind, up to
   * FLUSH_MAX_ROWS of them in one statement, those written longest ago first: with many replies
   * at once, one write each per AI_FLUSH_MS would queue people's messages behind hundreds of
   * updates a second. A tick that finds the last write still
   * running skips (the next one writes the newer text), and after a write that took `d` the
   * next waits at least FLUSH_DUTY_FACTOR × `d`: these writes (each a new version of every
   * row, its search terms left for the final write) never take more than a fifth of the
   * database's time, whatever the load.
   */
  private flushStreams(): void {
    if (this.flushInFlight || this.generations.size === 0 || performance.now() < this.nextFlushAt) return;
    const rows: Array<{ generation: Generation; row: NonNullable<ReturnType<Generation["flushRow"]>> }> = [];
    for (const generation of this.generations.values()) {
      if (rows.length >= FLUSH_MAX_ROWS) break;
      const row = generation.flushRow();
      if (row) rows.push({ generation, row });
    }
    if (rows.length === 0) return;
    // Written ones go to the back, so the next write starts with the rows behind the longest.
    for (const { generation } of rows) {
      this.generations.delete(generation.id);
      this.generations.set(generation.id, generation);
    }
    this.flushInFlight = true;
    const startedAt = performance.now();
    this.flushes = writeStreams(
      this.runtime.db,
      rows.map((r) => r.row),
    )
      .then((written) => {
        for (const { generation, row } of rows) if (!written.has(row.id)) generation.rowGone();
      })
      .catch((err: unknown) => this.runtime.log.warn({ err, replies: rows.length }, "ai: writing the text so far failed"))
      .finally(() => {
        this.flushInFlight = false;
        const now = performance.now();
        this.nextFlushAt = now + FLUSH_DUTY_FACTOR * (now - startedAt);
      });
  }

  /**
   * A reply's text waits for the delta window (docs/ai.md, "Coalescing"). With no tick running
   * (the last window passed with nothing waiting) it goes out at once and a tick starts;
   * otherwise it joins the next tick, which publishes every waiting reply's text together:
   * one timer instead of one per reply, and one turn of the event loop whose deltas reach
   * each socket in one write (server/realtime/delta-outbox.ts) instead of one write each.
   */
  private schedulePending(generation: Generation): void {
    if (this.deltaTick) {
      this.pendingText.add(generation);
      return;
    }
    generation.sendPending();
    this.armDeltaTick();
  }

  /** The delta window for the load now (docs/ai.md, "Coalescing"); `sampleLag` folds in the lag sampled since the last tick. */
  private deltaWindow(sampleLag = false): number {
    const lagMs = sampleLag ? this.loopLag.sample() : this.loopLag.ms;
    return deltaWindowMs(this.runtime.config, { running: this.generations.size, lagMs });
  }

  private armDeltaTick(): void {
    const window = this.deltaWindow(true);
    this.runtime.metrics.aiDeltaWindow.set(window / 1000);
    this.deltaTick = setTimeout(() => {
      this.deltaTick = null;
      if (this.pendingText.size === 0) return;
      const due = [...this.pendingText];
      this.pendingText.clear();
      for (const generation of due) generation.sendPending();
      this.armDeltaTick();
    }, window || this.runtime.config.AI_DELTA_WINDOW_MS);
    this.deltaTick.unref();
  }

  /** The assistant when AI_BASE_URL is set, otherwise undefined (off). */
  static async start(runtime: Runtime): Promise<AiService | undefined> {
    const { config, log, bus } = runtime;
    if (!config.AI_BASE_URL) return undefined;
    const user = await ensureBotUser(runtime.db, { id: randomUUID(), username: config.AI_NAME });
    if (!user.bot) {
      log.error({ name: config.AI_NAME }, "ai: AI_NAME is a person's username; the assistant stays off (choose another AI_NAME)");
      return undefined;
    }
    const locks = config.REDIS_URL ? await RedisLocks.connect(config.REDIS_URL, log) : new MemoryLocks();
    const service = new AiService(runtime, { id: user.id, username: user.username }, new ThreadedProvider(config, log), locks);
    bus.onEvent((topic, event) => {
      if (topic === AI_TOPIC && event.type === "ai") service.onSignal(event.room, event.signal);
    });
    await bus.subscribe(AI_TOPIC);
    log.info({ name: user.username, model: config.AI_MODEL }, "ai: assistant on");
    return service;
  }

  info(): AiInfo {
    return { enabled: true, name: this.bot.username, user: this.bot.id };
  }

  /** The gateway's registry: who watches what on this instance. */
  attachRegistry(registry: RoomRegistry): void {
    this.registry = registry;
  }

  enabledIn(room: Pick<RoomRow, "visibility" | "settings">): boolean {
    return room.visibility !== "direct" && room.settings.assistant !== false;
  }

  /** Makes the assistant a member where it is enabled (once per room and process). */
  async ensureMember(room: GenerationRoom): Promise<void> {
    if (!this.enabledIn(room) || this.memberOf.has(room.id)) return;
    const added = await addBotMember(this.runtime.db, { roomId: room.id, userId: this.bot.id });
    this.memberOf.add(room.id);
    if (added) await this.announce(room.id, "joined");
  }

  /** Member lists update live (no system line: the assistant's presence is the room's setting). */
  private announce(roomId: string, event: "joined" | "left"): Promise<void> {
    return publishFrame(this.runtime.bus, roomId, { type: "member", room: roomId, user: { id: this.bot.id, username: this.bot.username }, event });
  }

  /** An admin changed the room's settings: the assistant joins or leaves accordingly. */
  async settingsChanged(room: GenerationRoom): Promise<void> {
    this.memberOf.delete(room.id);
    if (this.enabledIn(room)) return this.ensureMember(room);
    if (await removeMember(this.runtime.db, { roomId: room.id, userId: this.bot.id })) await this.announce(room.id, "left");
    for (const generation of this.generations.values()) {
      if (generation.room.id === room.id) generation.stop("cancelled", "The assistant was turned off in this room.", "disabled");
    }
  }

  /**
   * Before a message is stored: when it asks the assistant, checks one-generation-per-user
   * (CONFLICT naming the running request or reply) and the AI rate limit, and holds the
   * user's lock until the message is stored. Null when the message asks nothing.
   */
  async reserve(actor: Actor, room: GenerationRoom, input: SendRequest): Promise<Reservation | null> {
    if (actor.id === this.bot.id || (input.kind && input.kind !== "text")) return null;
    if (input.to !== undefined && input.to !== this.bot.id) return null;
    if (!this.enabledIn(room) || !this.mention.test(input.content)) return null;
    const holder: Holder = { room: room.id, client: input.clientId };
    const taken = await this.locks.acquire(actor.id, holder);
    if (!taken.ok) {
      // The same request resent (its ack was lost): it is stored or being stored; answer it, start nothing.
      if (taken.holder.room === room.id && taken.holder.client === input.clientId) return null;
      const { request, reply } = taken.holder;
      const running = reply ? ` (reply ${reply} to message ${request})` : request ? ` (message ${request})` : "";
      throw new AppError("CONFLICT", `@${this.bot.username} is still answering your previous request${running}; wait for it or cancel it`);
    }
    const release = () => void this.locks.release(actor.id, holder.client).catch((err: unknown) => this.runtime.log.warn({ err }, "ai: releasing a lock failed"));
    try {
      await this.runtime.limits.consume("ai", actor.id);
    } catch (err) {
      release();
      throw err;
    }
    return {
      stored: (request, created) => {
        if (!created) return release();
        this.start(request, actor, room, holder);
      },
      release,
    };
  }

  private start(request: Message, requester: Actor, room: GenerationRoom, holder: Holder): void {
    const generation = new Generation(
      {
        runtime: this.runtime,
        bot: this.bot,
        provider: this.provider,
        locks: this.locks,
        ensureMember: (r) => this.ensureMember(r),
        watchedHere: (roomId, requesterId) => this.watchedHere(roomId, requesterId),
        askWatchers: (g) => this.signal(g.room.id, { op: "watch_request", generation: g.id, requester: g.requester.id }),
        deltaWindowMs: () => this.deltaWindow(),
        schedulePending: (g) => this.schedulePending(g),
        flushing: () => this.flushes,
      },
      request,
      requester,
      room,
      holder,
    );
    this.generations.set(generation.id, generation);
    this.loopLag.track(this.generations.size);
    void this.locks.update(requester.id, { ...holder, request: request.id }).catch(() => {});
    void generation.run().finally(() => {
      this.generations.delete(generation.id);
      this.loopLag.track(this.generations.size);
      if (this.generations.size === 0) this.runtime.metrics.aiDeltaWindow.set(0);
    });
  }

  /**
   * `cancel {message}`: the requester or a moderator stops a reply (by the reply's id or its
   * request's). Reaches the generating instance over the bus; answers with the message as stored.
   */
  async cancel(actor: Actor, { roomId, messageId }: { roomId: string; messageId: string }): Promise<Message> {
    const { room, standing } = await loadRoom(this.runtime.db, roomId, actor.id);
    const row = await getMessageById(this.runtime.db, { id: messageId });
    if (!isVisibleInRoom(row, room.id, actor.id)) throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
    const requester = row.senderId === this.bot.id ? row.meta?.requester : row.senderId;
    if (actor.id !== requester && !mayAttempt(standing, "delete_any")) {
      throw new AppError("FORBIDDEN", "only the person who asked and moderators may stop this reply");
    }
    this.signal(room.id, { op: "cancel", message: row.id, by: actor.id });
    return toWireMessage(row);
  }

  /**
   * The room's replies still streaming, each with its text so far and the index of the first
   * delta that text lacks. Call it after subscribing to the room: every delta from `nextIndex`
   * on reaches the subscriber live. Works on any instance.
   */
  async streamingSnapshot(roomId: string, deltaEndOf?: DeltaRef): Promise<StreamingSnapshot[]> {
    const ids = new Set(await listStreamingIds(this.runtime.db, { roomId, botId: this.bot.id }));
    for (const generation of this.generations.values()) if (generation.room.id === roomId && generation.reply) ids.add(generation.reply.id);
    const snapshots = await Promise.all([...ids].map((id) => this.snapshotOf(roomId, id, deltaEndOf)));
    return snapshots.filter((s): s is StreamingSnapshot => s !== null).sort((a, b) => a.message.seq - b.message.seq);
  }

  /**
   * Where delta `index` of a reply generated here ends in its text (an SSE resume's catch-up,
   * server/sse); null when no generation here has it.
   */
  deltaEnd(messageId: string, index: number): number | null {
    for (const generation of this.generations.values()) if (generation.reply?.id === messageId) return generation.deltaEnd(index);
    return null;
  }

  /** The streaming replies a joining socket catches up on, as its user may see them. */
  async catchUp(conn: Connection, roomId: string): Promise<Map<string, Message>> {
    const visible = new Map<string, Message>();
    for (const { message } of await this.streamingSnapshot(roomId)) {
      if (!canSee(message, conn.userId)) continue;
      visible.set(message.id, conn.hasBlocked(message.sender) ? maskBlocked(message, new Set([message.sender])) : message);
    }
    return visible;
  }

  /** The local generation of this reply, when this instance runs it. */
  private localSnapshot(messageId: string, deltaEndOf?: DeltaRef): StreamingSnapshot | null | undefined {
    for (const generation of this.generations.values()) {
      if (generation.reply?.id !== messageId) continue;
      const snapshot = generation.snapshot();
      if (!snapshot?.streaming) return null;
      return { ...snapshot, deltaEnd: Generation.deltaEndOf(generation, deltaEndOf) };
    }
    return undefined;
  }

  private async snapshotOf(roomId: string, messageId: string, deltaEndOf?: DeltaRef): Promise<StreamingSnapshot | null> {
    const local = this.localSnapshot(messageId, deltaEndOf);
    if (local !== undefined) return local;
    // In-process there is no other instance: a reply streaming in the database but not here is lost.
    const request = randomUUID();
    const answer = this.runtime.bus.kind === "memory" ? null : await new Promise<Extract<AiSignal, { op: "snapshot" }> | null>((resolve) => {
      const timer = setTimeout(() => {
        this.snapshotWaiters.delete(request);
        resolve(null);
      }, SNAPSHOT_TIMEOUT_MS);
      this.snapshotWaiters.set(request, (a) => {
        clearTimeout(timer);
        this.snapshotWaiters.delete(request);
        resolve(a);
      });
      this.signal(roomId, { op: "snapshot_request", message: messageId, request, ...(deltaEndOf ? { delta_end_of: deltaEndOf } : {}) });
    });
    const row = await getMessageById(this.runtime.db, { id: messageId });
    if (!row || row.deletedAt || row.senderId !== this.bot.id) return null;
    // Created here since the first look (its row committed before the generation saw it).
    const late = this.localSnapshot(messageId, deltaEndOf);
    if (late !== undefined) return late;
    const stored = toWireMessage(row);
    if (answer) {
      if (!answer.streaming) return null;
      return {
        message: { ...stored, content: answer.content, meta: { ...stored.meta, stream_index: answer.next_index } },
        nextIndex: answer.next_index,
        deltaEnd: answer.delta_end ?? null,
      };
    }
    if (!stored.streaming) return null;
    await this.abandon(stored);
    return null;
  }

  /**
   * A reply marked streaming that no instance generates (its instance died): it is finished
   * with the text that reached the database, so it does not stream forever.
   */
  private async abandon(message: Message): Promise<void> {
    const meta: Record<string, unknown> = { ...message.meta, streaming: false, finish: "error", reason: "lost", note: "The server generating this reply stopped; the text so far is kept." };
    delete meta.stream_index;
    if (!(await writeStream(this.runtime.db, { id: message.id, content: message.content, meta }))) return;
    this.runtime.log.warn({ message: message.id }, "ai: finished a reply no instance was generating");
    const audience = message.to ? { only: [message.to, message.sender] } : {};
    await publishFrame(this.runtime.bus, message.room, { type: "message_updated", room: message.room, message: { ...message, meta, streaming: false } }, audience);
  }

  private watchedHere(roomId: string, requesterId: string): boolean {
    const registry = this.registry;
    if (!registry) return false;
    if (registry.hasUser(requesterId)) return true;
    for (const listener of registry.listeners(roomId)) {
      if (listener.userId === this.bot.id) continue;
      // A socket that only follows the room for badges does not watch the stream.
      if (!(listener instanceof Connection) || listener.rooms.has(roomId)) return true;
    }
    return false;
  }

  private signal(room: string, signal: AiSignal): void {
    this.runtime.bus.publish(AI_TOPIC, { type: "ai", room, signal }).catch((err: unknown) => this.runtime.log.warn({ err, op: signal.op }, "ai: bus signal failed"));
  }

  private onSignal(room: string, signal: AiSignal): void {
    switch (signal.op) {
      case "cancel":
        for (const generation of this.generations.values()) {
          if (generation.matches(signal.message)) generation.stop("cancelled", STOPPED_NOTE, signal.by === generation.requester.id ? "requester" : "moderator");
        }
        return;
      case "snapshot_request":
        for (const generation of this.generations.values()) {
          if (generation.reply?.id !== signal.message) continue;
          const snapshot = generation.snapshot();
          if (!snapshot) return;
          this.signal(room, {
            op: "snapshot",
            message: signal.message,
            request: signal.request,
            streaming: snapshot.streaming,
            content: snapshot.message.content,
            next_index: snapshot.nextIndex,
            ...(signal.delta_end_of ? { delta_end: Generation.deltaEndOf(generation, signal.delta_end_of) } : {}),
          });
        }
        return;
      case "snapshot":
        this.snapshotWaiters.get(signal.request)?.(signal);
        return;
      case "watch_request":
        if (this.watchedHere(room, signal.requester)) this.signal(room, { op: "watched", generation: signal.generation });
        return;
      case "watched":
        for (const generation of this.generations.values()) if (generation.id === signal.generation) generation.watched();
        return;
    }
  }

  /** Shutdown: running generations end as cancelled with their text so far. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    if (this.deltaTick) clearTimeout(this.deltaTick);
    this.deltaTick = null;
    // Generations publish their waiting text themselves as they end.
    this.pendingText.clear();
    const running = [...this.generations.values()];
    for (const generation of running) generation.stop("cancelled", "The server restarted; the reply was stopped.", "shutdown");
    const deadline = Date.now() + 5_000;
    while (this.generations.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await this.provider.close();
    await this.locks.close();
  }
}
