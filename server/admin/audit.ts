import type { Database } from "@/db/client";
import { listSiteAudit } from "@/db/queries/site-admin";
import { assertSiteAdmin } from "./authorize";
import type { SiteAuditEntry } from "@/protocol/rest";



/** The site audit, newest first; `next` pages further back. */
export async function getSiteAudit({ db }: { db: Database }, actor: { id: string }, { before, limit }: { before?: Date; limit: number }) {
  await assertSiteAdmin(db, actor);
  const rows = await listSiteAudit(db, { before, limit });
  const entries: SiteAuditEntry[] = rows.map((r) => ({
    id: r.id,
    action: r.action,
    actor: r.actorId ? { id: r.actorId, username: r.actorName ?? "" } : null,
    target: { type: r.targetType, id: r.targetId, name: r.targetName },
    details: r.details,
    created_at: r.createdAt.toISOString(),
  }));
  return { entries, next: rows.length === limit ? rows[rows.length - 1]!.createdAt.toISOString() : null };
}
