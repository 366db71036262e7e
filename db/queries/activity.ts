import { and, gt, ne, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Executor } from "../client";
import { activity, messages } from "../schema";

export type ActivityKind = (typeof activity.$inferInsert)["kind"];

export type ActivityRow = typeof activity.$inferInsert;

/** Many rows in one statement (the caller bounds how many). */
export async function insertActivities(db: Executor, rows: readonly ActivityRow[]) {
  if (rows.length > 0) await db.insert(activity).values([...rows]);
}

/**
 * Event counts per UTC day and kind since `since`, newest day first. Messages are counted from
 * the messages table itself (the hot path writes no activity row per message); connects, joins
 * and moderation come from the activity log.
 */
export async function activityPerDay(db: Executor, { since }: { since: Date }) {
  const day = (column: typeof activity.createdAt | typeof messages.createdAt) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;
  const logged = db
    .select({ day: day(activity.createdAt), kind: sql<ActivityKind>`${activity.kind}`, count: sql<number>`count(*)::int`, users: sql<number>`count(distinct ${activity.userId})::int` })
    .from(activity)
    .where(and(gt(activity.createdAt, since), ne(activity.kind, "message")))
    .groupBy(sql`1`, activity.kind);
  const sent = db
    .select({ day: day(messages.createdAt), kind: sql<ActivityKind>`'message'`, count: sql<number>`count(*)::int`, users: sql<number>`count(distinct ${messages.senderId})::int` })
    .from(messages)
    // What people wrote: system lines (joins, moderation) are the room's record, not activity.
    .where(and(gt(messages.createdAt, since), ne(messages.kind, "system")))
    .groupBy(sql`1`);
  const rows = await unionAll(logged, sent);
  return rows.sort((a, b) => b.day.localeCompare(a.day) || a.kind.localeCompare(b.kind));
}
