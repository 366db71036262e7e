import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import type { Executor } from "../client";
import { connectionOf, FixedStatement } from "../pipeline";
import { users } from "../schema";

const qb = new QueryBuilder();

export type UserRow = typeof users.$inferSelect;

export async function insertUser(
  db: Executor,
  { id, username, passwordHash, siteAdmin }: { id: string; username: string; passwordHash: string; siteAdmin: boolean },
) {
  const [row] = await db
    .insert(users)
    .values({ id, username, passwordHash, siteAdmin })
    .onConflictDoNothing()
    .returning({ id: users.id, username: users.username });
  return row ?? null;
}

export async function getUserByUsername(db: Executor, { username }: { username: string }): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(1);
  return row ?? null;
}

// Read on every join (the site-admin flag) and every connect (the status): built once
// (db/pipeline.ts), not by the query builder each time.
const userById = FixedStatement.select(
  qb
    .select({ id: users.id, username: users.username, displayName: users.displayName, siteAdmin: users.siteAdmin, createdAt: users.createdAt, theme: users.theme, locale: users.locale })
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1),
);
const userStatus = FixedStatement.select(
  qb
    .select({ id: users.id, disabledAt: users.disabledAt, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1),
);

export async function getUserById(db: Executor, { id }: { id: string }) {
  const [row] = await userById.run(connectionOf(db), { id });
  return row ?? null;
}

/** Existence and the disabled flag: what token verification needs. */
export async function getUserStatus(db: Executor, { id }: { id: string }) {
  const [row] = await userStatus.run(connectionOf(db), { id });
  return row ?? null;
}

export async function setUserDisabled(db: Executor, { id, disabled }: { id: string; disabled: boolean }) {
  const rows = await db
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null })
    .where(eq(users.id, id))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function getUsernames(db: Executor, { ids }: { ids: string[] }): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.username]));
}

/** Sets or clears (null) a live account's display name; returns the account, or null when it is gone. */
export async function setDisplayName(db: Executor, { id, displayName }: { id: string; displayName: string | null }) {
  const [row] = await db
    .update(users)
    .set({ displayName })
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .returning({ id: users.id, username: users.username, displayName: users.displayName });
  return row ?? null;
}

export async function setTheme(db: Executor, { id, theme }: { id: string; theme: "system" | "light" | "dark" }): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ theme })
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Sets or clears (null: follow the browser) a live account's interface language. */
export async function setLocale(db: Executor, { id, locale }: { id: string; locale: string | null }): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ locale })
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

// On every connect and disconnect. The time travels as text: the column's own encoder does that
// for drizzle's update, and a placeholder bypasses it.
const lastSeen = new FixedStatement<never>(sql`update ${users} set ${sql.identifier(users.lastSeenAt.name)} = ${sql.placeholder("at")}::timestamptz where ${users.id} = ${sql.placeholder("id")}`);

export async function setLastSeen(db: Executor, { id, at }: { id: string; at: Date }) {
  await lastSeen.run(connectionOf(db), { id, at: at.toISOString() });
}

export async function getLastSeen(db: Executor, { ids }: { ids: string[] }): Promise<Map<string, Date | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, lastSeenAt: users.lastSeenAt }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.lastSeenAt]));
}

/** Makes the site's earliest user its administrator; only one user can be the earliest (the assistant's account does not count). */
export async function promoteIfFirstUser(db: Executor, { id }: { id: string }) {
  await db.execute(sql`update users set site_admin = true
    where id = ${id} and id = (select id from users where not bot order by created_at, id limit 1)`);
}

/** Promotes the named users (config SITE_ADMINS) to site administrators. */
export async function promoteSiteAdmins(db: Executor, { usernames }: { usernames: string[] }) {
  if (usernames.length === 0) return;
  await db.update(users).set({ siteAdmin: true }).where(inArray(sql`lower(${users.username})`, usernames));
}

/** Live accounts among `ids` (deleted accounts are tombstones nobody can start a conversation with). */
export async function getUsersByIds(db: Executor, { ids }: { ids: string[] }) {
  if (ids.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(inArray(users.id, ids), isNull(users.deletedAt)));
}
