import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { getUserByUsername, insertUser, promoteIfFirstUser } from "@/db/queries/users";
import { getDummyHash, hashPassword, verifyPassword } from "@/server/auth/passwords";
import { AppError } from "@/server/errors";

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
  // The assistant's account never signs in (server/ai).
  return user && ok && !user.bot && !user.disabledAt && !user.deletedAt ? { id: user.id, username: user.username } : null;
}
