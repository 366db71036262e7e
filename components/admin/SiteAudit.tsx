"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import type { SiteAuditEntry } from "@/lib/api";
import { siteAuditQuery } from "@/lib/queries";
import { ErrorLine } from "@/components/manage/ui";

/** The site-wide target of the archive switch, named by the server in English (server/admin/archive.ts). */
const ARCHIVE_TARGET = "compliance archive";

/** Every site-admin action, newest first (refreshed by every action on the page). */
export function SiteAudit() {
  const t = useTranslations("admin.audit");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const query = useQuery(siteAuditQuery);
  const entries = query.data;
  const error = query.error ? errorMessage(query.error, t("loadFailed")) : null;
  const b = (chunks: React.ReactNode) => <strong>{chunks}</strong>;
  /** The entry as one sentence; an action this UI does not know yet reads as the server's key. */
  const sentence = (e: SiteAuditEntry) => {
    const actor = e.actor?.username ?? t("someone");
    const target = e.target.type === "site" && e.target.name === ARCHIVE_TARGET ? t("archiveName") : e.target.name;
    const key = `actions.${e.action}`;
    return t.has(key as Parameters<typeof t.has>[0]) ? t.rich(key as Parameters<typeof t.rich>[0], { actor, target, b }) : t.rich("other", { actor, target, action: e.action, b });
  };
  return (
    <div data-testid="admin-audit">
      <ErrorLine message={error} testId="admin-audit-error" />
      {entries && entries.length === 0 && <p className="text-sm text-slate-600">{t("empty")}</p>}
      <ul className="divide-y divide-slate-100 text-sm">
        {entries?.map((e) => (
          <li key={e.id} className="py-1.5" data-testid="admin-audit-entry" data-action={e.action}>
            <time dateTime={e.created_at} className="mr-2 text-xs text-slate-600">
              {format.dateTime(new Date(e.created_at), "full")}
            </time>
            {sentence(e)}
          </li>
        ))}
      </ul>
    </div>
  );
}
