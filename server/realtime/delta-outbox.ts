/**
 * Per socket: the streaming replies' `delta` frames wait for the frames people wait for
 * (docs/ai.md, "Deltas after people's messages"). Deltas ready for a socket (already in index
 * order, server/realtime/delta-order.ts) are queued here and written together once the
 * current turn of the event loop is done (setImmediate), in one corked write per socket: 100
 * replies streaming in 20-member rooms are tens of thousands of frames a second, and one
 * system call each was the server's largest cost under that load. A person's message written
 * meanwhile goes out at once, ahead of them.
 *
 * A socket whose peer reads slowly (its send buffer above HOLD_BYTES) gets no more deltas until
 * it drains: they wait here, in order, so a person's message still overtakes them instead of
 * queueing behind megabytes of text. Nothing is dropped or merged, so the client sees every
 * index once, in order; a socket that falls MAX_HELD_BYTES behind is closed (1013), as a
 * socket whose send buffer overflows is, and catches up on reconnect.
 */
import WebSocket from "ws";
import { sendFrame, type Encoded } from "./send";

/** Send buffer (bytes) above which a socket's deltas wait instead of adding to it. */
export const HOLD_BYTES = 256 * 1024;
/** Deltas one socket may have waiting (bytes) before it is closed as not reading. */
const MAX_HELD_BYTES = 8 * 1024 * 1024;
/** How often sockets holding deltas are checked for room in their send buffer. */
const RETRY_MS = 20;

/** The corkable stream under a `ws` socket (ws keeps it as `_socket`; absent on a closed one). */
type Corkable = { cork(): void; uncork(): void };
function rawStream(socket: WebSocket): Corkable | null {
  const raw = (socket as unknown as { _socket?: Partial<Corkable> | null })._socket;
  return raw && typeof raw.cork === "function" && typeof raw.uncork === "function" ? (raw as Corkable) : null;
}

const scheduled = new Set<DeltaOutbox>();
let immediate: NodeJS.Immediate | null = null;
let retry: NodeJS.Timeout | null = null;

function schedule(outbox: DeltaOutbox, later = false): void {
  scheduled.add(outbox);
  if (later) retry ??= setTimeout(run, RETRY_MS);
  else immediate ??= setImmediate(run);
}

function run(): void {
  immediate = null;
  if (retry) clearTimeout(retry);
  retry = null;
  const due = [...scheduled];
  scheduled.clear();
  for (const outbox of due) outbox.drain();
}

/** A delta ready for the socket, and the reply it extends. */
export type ReadyDelta = { message: string; encoded: Encoded };

export class DeltaOutbox {
  private frames: ReadyDelta[] = [];
  private bytes = 0;

  constructor(
    private readonly socket: WebSocket,
    /** Send-buffer bound above which deltas wait (tests lower it). */
    private readonly holdBytes = HOLD_BYTES,
  ) {}

  /** Deltas still waiting for this socket. */
  get size(): number {
    return this.frames.length;
  }

  /** Whether deltas of this reply are waiting (its other frames must not overtake them). */
  holds(message: string): boolean {
    return this.frames.some((f) => f.message === message);
  }

  /** Queues deltas of a reply for this socket, in the order given (after any still waiting). */
  push(message: string, ready: readonly Encoded[]): void {
    if (ready.length === 0) return;
    for (const encoded of ready) {
      this.frames.push({ message, encoded });
      this.bytes += encoded.length;
    }
    if (this.bytes > MAX_HELD_BYTES) {
      this.discard();
      this.socket.close(1013, "client is not reading; reconnect");
      return;
    }
    schedule(this);
  }

  /**
   * Writes every waiting delta now, whatever the socket's backlog: a frame that must follow
   * them (the reply's final update, a catch-up `message`, any frame but a person's message)
   * is about to be written.
   */
  flush(): void {
    if (this.frames.length > 0) this.write();
  }

  /** The scheduled write: waits (and checks again soon) while the peer is behind. */
  drain(): void {
    if (this.frames.length === 0) return;
    if (this.socket.readyState !== WebSocket.OPEN) return this.discard();
    if (this.socket.bufferedAmount > this.holdBytes) return schedule(this, true);
    this.write();
  }

  private write(): void {
    const frames = this.frames;
    this.discard();
    const raw = frames.length > 1 ? rawStream(this.socket) : null;
    // One system call for all of them: ws corks per frame, and nested corks write on the last uncork.
    raw?.cork();
    try {
      for (const { encoded } of frames) sendFrame(this.socket, encoded);
    } finally {
      raw?.uncork();
    }
  }

  private discard(): void {
    this.frames = [];
    this.bytes = 0;
  }
}
