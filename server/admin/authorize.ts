import { randomUUID } from "node:crypto";
import type { Database, Executor } from "@/db/client";
import { getUserById } from "@/db/queries/users";
import { insertSiteAudit } from "@/db/queries/site-admin";
import { AppError } from "@/server/errors";

/**
 * Every site-administration service starts here: the actor must be a site admin right now
 * (read from the database, not the token, so a revoked admin is refused at once).
 */
export async function assertSiteAdmin(db: Database, actor: { id: string }): Promise<void> {
  const user = await getUserById(db, { id: actor.id });
  if (!user?.siteAdmin) throw new AppError("FORBIDDEN", "site administrators only");
}

export type SiteAuditAction =
  | "user_disable"
  | "user_enable"
  | "user_delete"
  | "user_password_reset"
  | "user_grant_admin"
  | "user_revoke_admin"
  | "room_archive"
  | "room_unarchive"
  | "room_delete"
  | "archive_enable"
  | "archive_disable";

/** Writes one row of the site audit; call it in the same transaction as the change when there is one. */
export async function auditSite(
  db: Executor,
  actor: { id: string },
  action: SiteAuditAction,
  target: { type: "user" | "room" | "site"; id: string; name: string },
  details?: Record<string, unknown>,
): Promise<void> {
  await insertSiteAudit(db, { id: randomUUID(), actorId: actor.id, action, targetType: target.type, targetId: target.id, targetName: target.name, details });
}
