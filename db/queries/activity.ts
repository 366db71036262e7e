import { randomUUID } from "node:crypto";
import { gt, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { activity } from "../schema";

export type ActivityKind = (typeof activity.$inferInsert)["kind"];

export async function insertActivity(db: Executor, { kind, userId, roomId }: { kind: ActivityKind; userId?: string; roomId?: string }) {
  await db.insert(activity).values({ id: randomUUID(), kind, userId: userId ?? null, roomId: roomId ?? null });
}

/** Event counts per UTC day and kind since `since`, newest day first. */
export async function activityPerDay(db: Executor, { since }: { since: Date }) {
  const day = sql<string>`to_char(${activity.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  return db
    .select({ day, kind: activity.kind, count: sql<number>`count(*)::int`, users: sql<number>`count(distinct ${activity.userId})::int` })
    .from(activity)
    .where(gt(activity.createdAt, since))
    .groupBy(day, activity.kind)
    .orderBy(sql`1 desc`, activity.kind);
}
