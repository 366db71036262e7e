"use client";
import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "@/lib/api";
import { siteAuditQuery } from "@/lib/queries";
import { ErrorLine } from "@/components/manage/ui";

const LABELS: Record<string, string> = {
  user_disable: "disabled",
  user_enable: "enabled",
  user_delete: "deleted",
  user_password_reset: "made a password reset link for",
  user_grant_admin: "made site admin",
  user_revoke_admin: "revoked site admin from",
  room_archive: "archived",
  room_unarchive: "unarchived",
  room_delete: "deleted room",
  archive_enable: "turned on the",
  archive_disable: "turned off the",
};

/** Every site-admin action, newest first (refreshed by every action on the page). */
export function SiteAudit() {
  const query = useQuery(siteAuditQuery);
  const entries = query.data;
  const error = query.error ? errorMessage(query.error, "Could not load the audit.") : null;
  return (
    <div data-testid="admin-audit">
      <ErrorLine message={error} testId="admin-audit-error" />
      {entries && entries.length === 0 && <p className="text-sm text-slate-600">No site-admin actions yet.</p>}
      <ul className="divide-y divide-slate-100 text-sm">
        {entries?.map((e) => (
          <li key={e.id} className="py-1.5" data-testid="admin-audit-entry" data-action={e.action}>
            <time className="mr-2 text-xs text-slate-600">{new Date(e.created_at).toLocaleString()}</time>
            <strong>{e.actor?.username ?? "someone"}</strong> {LABELS[e.action] ?? e.action} <strong>{e.target.name}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
