/**
 * A real server-sent events client for tests: reads a room's event stream over HTTP, parses
 * it as the EventSource spec does (fields, comments, `retry:`), records every event and can
 * wait for the next one matching a predicate, or for the stream's end.
 */
import http from "node:http";
import type { ServerFrame } from "@/protocol";

export interface SseEvent {
  id: string | undefined;
  event: string;
  /** The parsed `data:` JSON (the socket frame). */
  data: ServerFrame;
}

type Predicate = (e: SseEvent) => boolean;

export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  retry: number | undefined;
  /** Resolves when the server ends the response (cleanly: true; reset: false). */
  readonly ended: Promise<boolean>;
  endedCleanly: boolean | null = null;
  private waiters: Array<{ predicate: Predicate; resolve: (e: SseEvent) => void }> = [];
  private commentWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly res: http.IncomingMessage,
    readonly body: string,
  ) {
    let buffer = "";
    let fields: { id?: string; event?: string; data: string[] } = { data: [] };
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      if (status !== 200) return;
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (fields.data.length > 0) this.dispatch({ id: fields.id, event: fields.event ?? "message", data: JSON.parse(fields.data.join("\n")) as ServerFrame });
          fields = { data: [] };
          continue;
        }
        if (line.startsWith(":")) {
          this.comments++;
          this.commentWaiters = this.commentWaiters.filter((w) => (this.comments >= w.count ? (w.resolve(), false) : true));
          continue;
        }
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "id") fields.id = value;
        else if (name === "event") fields.event = value;
        else if (name === "data") fields.data.push(value);
        else if (name === "retry") this.retry = Number(value);
      }
    });
    this.ended = new Promise((resolve) => {
      res.once("end", () => resolve((this.endedCleanly = true)));
      res.once("error", () => resolve((this.endedCleanly = false)));
      res.once("aborted", () => resolve((this.endedCleanly = false)));
    });
  }

  /**
   * Opens `GET <base>/api/rooms/<room>/events`. For a non-200 answer the JSON body is read and
   * the client holds no stream.
   */
  static open(base: string, room: string, opts: { token?: string; query?: Record<string, string>; headers?: Record<string, string>; lastEventId?: string } = {}): Promise<SseClient> {
    const url = new URL(`/api/rooms/${room}/events`, base);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    return new Promise((resolve, reject) => {
      const req = http.get(
        url,
        {
          headers: {
            accept: "text/event-stream",
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            ...(opts.lastEventId !== undefined ? { "last-event-id": opts.lastEventId } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          if (res.statusCode === 200) return resolve(new SseClient(200, res.headers, res, ""));
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve(new SseClient(res.statusCode ?? 0, res.headers, res, body)));
        },
      );
      req.once("error", reject);
    });
  }

  private dispatch(event: SseEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  /** Waits for an event matching `predicate` (an event name or a test), including ones already received. */
  next(predicate: Predicate | string, { timeoutMs = 5000, fromIndex = 0 } = {}): Promise<SseEvent> {
    const match: Predicate = typeof predicate === "string" ? (e) => e.event === predicate : predicate;
    const seen = this.events.slice(fromIndex).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate: match, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for an event; got: ${JSON.stringify(this.events.slice(-5))}`));
      }, timeoutMs).unref();
    });
  }

  /** Waits until `count` comment lines (heartbeats) have arrived in all. */
  nextComments(count: number, timeoutMs = 5000): Promise<void> {
    if (this.comments >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { count, resolve };
      this.commentWaiters.push(waiter);
      setTimeout(() => {
        this.commentWaiters = this.commentWaiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${count} heartbeats (got ${this.comments})`));
      }, timeoutMs).unref();
    });
  }

  /** The `message` events' messages, in order. */
  messages() {
    return this.events.flatMap((e) => (e.data.type === "message" ? [e.data.message] : []));
  }

  /** The id of the last event that carried one (what an EventSource would resume from). */
  get lastEventId(): string | undefined {
    return this.events.findLast((e) => e.id !== undefined)?.id;
  }

  close(): void {
    this.res.destroy();
  }
}
