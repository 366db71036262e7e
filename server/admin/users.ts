/**
 * Site administration of accounts: list, disable/enable, delete, reset a password, grant or
 * revoke site admin. Each change is audited in the same transaction and, where it affects
 * what a token may do, announced on the bus so every instance re-checks the user at once
 * (and closes their sockets when the account stops working).
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { getUserById, setUserDisabled } from "@/db/queries/users";
import {
  consumePasswordReset,
  countSiteAdmins,
  getLiveUser,
  insertPasswordReset,
  listUsersPage,
  peekPasswordReset,
  setPasswordHash,
  setSiteAdmin,
  tombstoneUser,
} from "@/db/queries/site-admin";
import type { Bus } from "@/server/bus";
import { hashPassword } from "@/server/auth/passwords";
import { publishRevocation } from "@/server/auth/user-validity";
import { AppError, notFound } from "@/server/errors";
import { assertSiteAdmin, auditSite } from "./authorize";
import type { AdminUser } from "@/protocol/rest";


type Deps = { db: Database; bus: Bus };
type Actor = { id: string };

/** How long a password reset link works. */
export const RESET_TTL_MS = 3_600_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");


export async function listUsers({ db }: Pick<Deps, "db">, actor: Actor, { q, page, limit }: { q?: string; page: number; limit: number }) {
  await assertSiteAdmin(db, actor);
  const { rows, total } = await listUsersPage(db, { q, offset: (page - 1) * limit, limit });
  const users: AdminUser[] = rows.map((r) => ({
    id: r.id,
    username: r.username,
    display_name: r.displayName,
    site_admin: r.siteAdmin,
    disabled: r.disabledAt !== null,
    created_at: r.createdAt.toISOString(),
    last_seen_at: r.lastSeenAt?.toISOString() ?? null,
  }));
  return { users, page, limit, total };
}

async function loadTarget(db: Database, userId: string) {
  const target = await getLiveUser(db, { id: userId });
  if (!target) throw notFound("user");
  return target;
}

/**
 * Disables or re-enables an account. Disabling closes the user's sockets on every instance and
 * makes their sessions and tokens fail at once; site admins cannot be disabled (revoke first).
 */
export async function setUserDisabledByAdmin({ db, bus }: Deps, actor: Actor, { userId, disabled }: { userId: string; disabled: boolean }) {
  await assertSiteAdmin(db, actor);
  const target = await loadTarget(db, userId);
  if (target.siteAdmin) throw new AppError("FORBIDDEN", "site administrators cannot be disabled");
  if ((target.disabledAt !== null) !== disabled) {
    await db.transaction(async (tx) => {
      await setUserDisabled(tx, { id: userId, disabled });
      await auditSite(tx, actor, disabled ? "user_disable" : "user_enable", { type: "user", id: target.id, name: target.username });
    });
  }
  await publishRevocation(bus, userId, disabled);
  return { id: target.id, username: target.username, disabled };
}

/** Grants or revokes site admin; the site never loses its last administrator. */
export async function setUserSiteAdmin({ db, bus }: Deps, actor: Actor, { userId, siteAdmin }: { userId: string; siteAdmin: boolean }) {
  await assertSiteAdmin(db, actor);
  const target = await loadTarget(db, userId);
  if (siteAdmin && target.disabledAt) throw new AppError("CONFLICT", "enable the account before making it a site administrator");
  if (target.siteAdmin !== siteAdmin) {
    await db.transaction(async (tx) => {
      // Serializes grants and revocations, so two concurrent revocations cannot both see a spare admin.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('confab.site_admins'))`);
      if (!siteAdmin && (await countSiteAdmins(tx)) <= 1) throw new AppError("CONFLICT", "the site must keep at least one administrator");
      await setSiteAdmin(tx, { id: userId, siteAdmin });
      await auditSite(tx, actor, siteAdmin ? "user_grant_admin" : "user_revoke_admin", { type: "user", id: target.id, name: target.username });
    });
  }
  await publishRevocation(bus, userId, false);
  return { id: target.id, username: target.username, site_admin: siteAdmin };
}

/**
 * Deletes an account. Policy (docs/permissions.md): the row stays as a tombstone so the user's
 * messages keep their place in every room's seq and read as from "deleted user" (content is
 * kept; moderators delete content as before); the username is freed; memberships, blocks and
 * reset links go; sessions and tokens fail at once and sockets close on every instance.
 */
export async function deleteUserByAdmin({ db, bus }: Deps, actor: Actor, { userId }: { userId: string }) {
  await assertSiteAdmin(db, actor);
  const target = await loadTarget(db, userId);
  if (target.id === actor.id) throw new AppError("FORBIDDEN", "you cannot delete your own account here");
  if (target.siteAdmin) throw new AppError("FORBIDDEN", "revoke site admin before deleting this account");
  await db.transaction(async (tx) => {
    await tombstoneUser(tx, { id: userId });
    await auditSite(tx, actor, "user_delete", { type: "user", id: target.id, name: target.username });
  });
  await publishRevocation(bus, userId, true);
  return { id: target.id, username: target.username, deleted: true };
}

/**
 * Creates a one-time reset link for an account (valid RESET_TTL_MS). The token is returned
 * once, for the admin to pass on, and stored only as its hash. Existing sessions keep working.
 */
export async function createPasswordReset({ db }: Pick<Deps, "db">, actor: Actor, { userId, origin }: { userId: string; origin: string }) {
  await assertSiteAdmin(db, actor);
  const target = await loadTarget(db, userId);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  await db.transaction(async (tx) => {
    await insertPasswordReset(tx, { tokenHash: hashToken(token), userId, createdBy: actor.id, expiresAt });
    await auditSite(tx, actor, "user_password_reset", { type: "user", id: target.id, name: target.username }, { expires_at: expiresAt.toISOString() });
  });
  return { url: `${origin}/reset/${token}`, token, expires_at: expiresAt.toISOString() };
}

/** What the reset page shows before the user picks a password; 404 for invalid, expired and used alike. */
export async function inspectPasswordReset({ db }: Pick<Deps, "db">, token: string) {
  const row = await peekPasswordReset(db, { tokenHash: hashToken(token) });
  if (!row) throw notFound("reset link");
  return { username: row.username };
}

/** Sets a new password with a reset link; the link works once. */
export async function completePasswordReset({ db }: Pick<Deps, "db">, { token, password }: { token: string; password: string }) {
  const passwordHash = await hashPassword(password);
  const userId = await db.transaction(async (tx) => {
    const id = await consumePasswordReset(tx, { tokenHash: hashToken(token) });
    if (!id) return null;
    await setPasswordHash(tx, { id, passwordHash });
    return id;
  });
  if (!userId) throw notFound("reset link");
  const user = await getUserById(db, { id: userId });
  return { username: user?.username ?? "" };
}
