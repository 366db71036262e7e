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
    readonly now: () => number = () => performance.now(),
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

  /**
   * How late a piece of work asked for at `scheduledAt` runs, and whether that is still on time:
   * the same allowance a round gets, so a stall inside a round suspends drops like one before it.
   */
  since(scheduledAt: number): { lateMs: number; onTime: boolean } {
    const lateMs = this.now() - scheduledAt;
    return { lateMs: Math.max(0, Math.round(lateMs)), onTime: lateMs <= this.intervalMs * (this.tolerance - 1) };
  }
}

export interface HeartbeatOptions<T> {
  intervalMs: number;
  /** Members visited per turn of the event loop at most. */
  perTurn: number;
  /** The live members; iterated across turns, so members that leave meanwhile are skipped. */
  members: Iterable<T>;
  /** Pings a member, or ends it when `mayDrop` and it did not answer the previous ping. */
  beat: (member: T, mayDrop: boolean) => void;
  /** A round suspended drops (once per round): the loop was stalled, or the last round was still running. */
  graced?: (lateMs: number) => void;
  clock?: HeartbeatClock;
  /** Runs `next` on a later turn of the event loop, after I/O has been read. */
  defer?: (next: () => void) => void;
}

type Round<T> = { members: Iterator<T>; mayDrop: boolean; scheduledAt: number };

/**
 * The heartbeat's rounds, each visiting every member in slices of `perTurn`, one slice per turn
 * of the event loop. The first slice also waits a turn, so pongs that arrived while the timer
 * was due are read before anyone is judged by them.
 */
export class HeartbeatSweep<T> {
  private readonly clock: HeartbeatClock;
  private readonly defer: (next: () => void) => void;
  private round: Round<T> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatOptions<T>) {
    this.clock = options.clock ?? new HeartbeatClock(options.intervalMs);
    this.defer = options.defer ?? ((next) => void setImmediate(next));
  }

  start(): void {
    this.timer = setInterval(() => this.startRound(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.round = undefined;
  }

  /** Begins a round (the interval calls this). A round still running is abandoned. */
  startRound(): void {
    const { lateMs, mayDrop } = this.clock.tick();
    // Members the abandoned round did not reach were last pinged two intervals ago and judged
    // never since; a server that busy gives everyone another round.
    const unfinished = this.round !== undefined;
    const round: Round<T> = { members: this.options.members[Symbol.iterator](), mayDrop: mayDrop && !unfinished, scheduledAt: 0 };
    if (!round.mayDrop) this.options.graced?.(lateMs);
    this.round = round;
    this.next(round);
  }

  private next(round: Round<T>): void {
    round.scheduledAt = this.clock.now();
    this.defer(() => this.slice(round));
  }

  private slice(round: Round<T>): void {
    if (this.round !== round) return;
    const { lateMs, onTime } = this.clock.since(round.scheduledAt);
    if (!onTime && round.mayDrop) {
      round.mayDrop = false;
      this.options.graced?.(lateMs);
    }
    for (let visited = 0; visited < this.options.perTurn; visited++) {
      const item = round.members.next();
      if (item.done) {
        this.round = undefined;
        return;
      }
      this.options.beat(item.value, round.mayDrop);
    }
    this.next(round);
  }
}
