import { and, gt, ne, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Database, Executor } from "../client";
import { FixedStatement } from "../pipeline";
import { activity, messages } from "../schema";
import { arrayOf } from "./columnar";

export type ActivityKind = (typeof activity.$inferInsert)["kind"];

export type ActivityRow = typeof activity.$inferInsert;

/**
 * One statement whatever the number of rows: each column travels as an array (as the group
 * commit's insert does, ./columnar.ts). A VALUES list was a new text per batch size, too many
 * parameters to be sent prepared, so each flush stopped postgres.js's pipeline for a Describe.
 */
const insertRows = new FixedStatement<never>(sql`
  insert into ${activity} (${sql.join([activity.id, activity.kind, activity.userId, activity.roomId, activity.createdAt].map((c) => sql.identifier(c.name)), sql`, `)})
  select id, kind, user_id, room_id, at::timestamptz
  from unnest(${arrayOf("ids", "uuid")}, ${arrayOf("kinds", "text")}, ${arrayOf("users", "uuid")}, ${arrayOf("rooms", "uuid")}, ${arrayOf("ats", "text")}) as t(id, kind, user_id, room_id, at)`);

/** Many rows in one statement (the caller bounds how many). */
export async function insertActivities(db: Database, rows: readonly ActivityRow[]) {
  if (rows.length === 0) return;
  await insertRows.run(db.$client, {
    ids: rows.map((r) => r.id),
    kinds: rows.map((r) => r.kind),
    users: rows.map((r) => r.userId ?? null),
    rooms: rows.map((r) => r.roomId ?? null),
    // As text: postgres.js has no encoder for timestamptz[] (drizzle encodes timestamps per column).
    ats: rows.map((r) => (r.createdAt ?? new Date()).toISOString()),
  });
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
