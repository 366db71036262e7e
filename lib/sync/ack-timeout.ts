/**
 * The delivery rule for a send on an open socket: if no ack (or error) answers it within
 * ACK_TIMEOUT_MS it is sent again with the same id, MAX_SEND_ATTEMPTS times in all, and then
 * given up as failed so the UI can offer Retry. The same id makes every resend idempotent on
 * the server. A closed socket pauses this (the outbox resends after the reconnect, which
 * starts the count again), and so does a manual Retry.
 */
export const ACK_TIMEOUT_MS = 10_000;
export const MAX_SEND_ATTEMPTS = 3;

export interface AckTimeoutHandlers {
  /** Send the entry again, with its original id. */
  resend(id: string): void;
  /** No answer after the last attempt. */
  giveUp(id: string, attempts: number): void;
}

type Timers = { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };

export class AckTimeouts {
  private readonly waiting = new Map<string, { attempts: number; timer: unknown }>();

  constructor(
    private readonly handlers: AckTimeoutHandlers,
    private readonly timeoutMs = ACK_TIMEOUT_MS,
    private readonly maxAttempts = MAX_SEND_ATTEMPTS,
    private readonly timers: Timers = realTimers,
  ) {}

  /** A send with this id just went out on the socket. */
  sent(id: string): void {
    const previous = this.waiting.get(id);
    if (previous) this.timers.clear(previous.timer);
    const attempts = (previous?.attempts ?? 0) + 1;
    const timer = this.timers.set(() => this.expire(id), this.timeoutMs);
    this.waiting.set(id, { attempts, timer });
  }

  /** Answered (ack or error), discarded, or retried by hand: forget it and its attempts. */
  settle(id: string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.timers.clear(entry.timer);
    this.waiting.delete(id);
  }

  /** The socket closed: nothing can be answered on it; the outbox resends after the reconnect. */
  pauseAll(): void {
    for (const entry of this.waiting.values()) this.timers.clear(entry.timer);
    this.waiting.clear();
  }

  attempts(id: string): number {
    return this.waiting.get(id)?.attempts ?? 0;
  }

  private expire(id: string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    if (entry.attempts >= this.maxAttempts) {
      this.waiting.delete(id);
      this.handlers.giveUp(id, entry.attempts);
      return;
    }
    this.handlers.resend(id);
  }
}
