import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { getUserById, getUserByUsername, insertUser, promoteIfFirstUser, setUserDisabled } from "@/db/queries/users";
import { getDummyHash, hashPassword, verifyPassword } from "@/server/auth/passwords";
import { forgetUser } from "@/server/auth/user-validity";
import { AppError, notFound } from "@/server/errors";

/** The first user of a site, and anyone named in SITE_ADMINS, administers the site. */
export async function registerUser(db: Database, { username, password, siteAdmins = [] }: { username: string; password: string; siteAdmins?: string[] }) {
  if (await getUserByUsername(db, { username })) throw new AppError("CONFLICT", "that username is taken");
  const passwordHash = await hashPassword(password);
  const user = await insertUser(db, { id: randomUUID(), username, passwordHash, siteAdmin: siteAdmins.includes(username.toLowerCase()) });
  // A concurrent registration of the same name lost the unique-index race.
  if (!user) throw new AppError("CONFLICT", "that username is taken");
  await promoteIfFirstUser(db, { id: user.id });
  return user;
}

/**
 * Returns the user when the password matches and the account is not disabled; the same work
 * is done for unknown usernames.
 */
export async function verifyCredentials(db: Database, { username, password }: { username: string; password: string }) {
  const user = await getUserByUsername(db, { username });
  const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
  return user && ok && !user.disabledAt ? { id: user.id, username: user.username } : null;
}

/**
 * Site admins disable (or re-enable) an account: it can no longer sign in, and its sessions and
 * API tokens are refused within USER_CACHE_TTL_MS on every instance (at once on this one).
 * Site admins cannot be disabled, so the site always keeps an administrator.
 */
export async function setDisabled({ db }: { db: Database }, actor: { id: string }, { userId, disabled }: { userId: string; disabled: boolean }) {
  const admin = await getUserById(db, { id: actor.id });
  if (!admin?.siteAdmin) throw new AppError("FORBIDDEN", "site administrators only");
  const target = await getUserById(db, { id: userId });
  if (!target) throw notFound("user");
  if (target.siteAdmin) throw new AppError("FORBIDDEN", "site administrators cannot be disabled");
  await setUserDisabled(db, { id: userId, disabled });
  forgetUser(userId);
  return { id: target.id, username: target.username, disabled };
}
