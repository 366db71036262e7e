import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { activityPerDay, type ActivityKind, type ActivityRow } from "@/db/queries/activity";
import { getUserById } from "@/db/queries/users";
import { AppError } from "@/server/errors";
import type { Logger } from "@/server/log";

/** Site-wide activity counts per day (connects, joins, messages, moderation); site admins only. */
export async function getActivity({ db, activity }: { db: Database; activity?: ActivityLog }, actor: { id: string }, { days }: { days: number }) {
  const user = await getUserById(db, { id: actor.id });
  if (!user?.siteAdmin) throw new AppError("FORBIDDEN", "site administrators only");
  // This instance's rows still waiting for their batch count too.
  await activity?.flush();
  const rows = await activityPerDay(db, { since: new Date(Date.now() - days * 86_400_000) });
  return rows.map((r) => ({ day: r.day, kind: r.kind, count: r.count, users: r.users }));
}

/** What records a row: bookkeeping nobody reads back in the request that does it goes through the batch. */
export type ActivityRecorder = Pick<ActivityLog, "record">;

/** Rows one statement writes at most. */
export const ACTIVITY_BATCH_ROWS = 500;
/** Rows held while the database is slower than the connects; analytics are not worth more memory. */
export const ACTIVITY_MAX_PENDING = 20_000;

/**
 * Activity rows written in batches: a burst of connects used to cost one insert, one database
 * round trip, per socket. A row keeps the time it happened and reaches the table within
 * `delayMs`, at once when a batch is full, and before this instance reports activity.
 */
export class ActivityLog {
  private pending: ActivityRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** A write queued behind the running one; it takes whatever is pending when it starts. */
  private queued: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly write: (rows: readonly ActivityRow[]) => Promise<void>,
    private readonly log: Logger,
    private readonly delayMs = 200,
  ) {}

  record(kind: ActivityKind, { userId, roomId }: { userId?: string; roomId?: string } = {}): void {
    if (this.pending.length >= ACTIVITY_MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push({ id: randomUUID(), kind, userId: userId ?? null, roomId: roomId ?? null, createdAt: new Date() });
    if (this.pending.length >= ACTIVITY_BATCH_ROWS) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Resolves once every row recorded so far is written (or its failure logged). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // One statement at a time: a slow database keeps rows here, bounded, instead of piling up inserts.
    this.queued ??= this.writing = this.writing.then(() => {
      this.queued = undefined;
      return this.drain();
    });
    return this.queued;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const rows = this.pending.splice(0, ACTIVITY_BATCH_ROWS);
      try {
        await this.write(rows);
      } catch (err) {
        this.log.warn({ err, rows: rows.length }, "activity rows not written");
      }
    }
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped }, "activity rows dropped: the database fell behind");
      this.dropped = 0;
    }
  }
}
