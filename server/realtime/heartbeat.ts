/**
 * When a heartbeat round may drop sockets that did not answer the previous ping. A round that
 * starts much later than planned means the event loop was stalled (a long query, a GC pause):
 * pongs that did arrive may not have been read yet, so nobody is dropped and every socket gets
 * one more ping. Only a client silent through a round in which the server was responsive is dead.
 */
export class HeartbeatClock {
  private last: number;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    /** How late (as a multiple of the interval) a round may start and still count. */
    private readonly tolerance = 1.5,
  ) {
    this.last = now();
  }

  /** Call at the start of each round: how late it started, and whether it may drop sockets. */
  tick(): { lateMs: number; mayDrop: boolean } {
    const now = this.now();
    const elapsed = now - this.last;
    this.last = now;
    return { lateMs: Math.max(0, Math.round(elapsed - this.intervalMs)), mayDrop: elapsed <= this.intervalMs * this.tolerance };
  }
}
