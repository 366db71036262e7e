/**
 * Frames that arrive in one burst are applied in one task.
 *
 * Each WebSocket message is an event of its own, and React renders a store change at the
 * microtask checkpoint after each event. Applied one by one, a re-join's replay of 200 messages
 * rendered the open room 200 times, and the tab was busy for 10–20 s after a reconnect. Queued and
 * applied together, the whole burst renders once.
 */

/** Runs `run` in a later task. */
export type Scheduler = (run: () => void) => void;

/**
 * The next task, by a MessageChannel: unlike setTimeout, it is not throttled to once a second in
 * hidden tabs, which still apply acks and keep unread counts.
 */
export function nextTask(): Scheduler {
  if (typeof MessageChannel === "undefined") return (run) => void setTimeout(run, 0);
  const channel = new MessageChannel();
  const queued: (() => void)[] = [];
  channel.port1.onmessage = () => queued.shift()?.();
  // Node (unit tests): a pending port must not keep the process alive.
  (channel.port1 as { unref?: () => void }).unref?.();
  return (run) => {
    queued.push(run);
    channel.port2.postMessage(null);
  };
}

export class FrameBatch<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(
    private readonly apply: (item: T) => void,
    private readonly schedule: Scheduler,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.flush);
  }

  /**
   * Applies everything queued, in order; also called directly before any event that must not
   * overtake them (the session's end, a new session). A failing frame does not stop the ones
   * after it: the first error is thrown once all are applied.
   */
  flush = (): void => {
    this.scheduled = false;
    const items = this.queue;
    if (!items.length) return;
    this.queue = [];
    let failure: { error: unknown } | null = null;
    for (const item of items) {
      try {
        this.apply(item);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };
}
