"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import { archiveQuery, queryKeys } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";

/**
 * The compliance archive switch: whether every message, edit and delete is being archived,
 * what has been written, and where (files stay on the server's disk; nothing is served here).
 */
export function ArchivePanel() {
  const t = useTranslations("admin");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const query = useQuery(archiveQuery);
  const status = query.data ?? null;
  const mutation = useMutation({
    mutationFn: (enabled: boolean) => api.setArchive(enabled),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKeys.archive, next);
      // The change is audited: the Audit section refreshes.
      void queryClient.invalidateQueries({ queryKey: queryKeys.siteAudit });
    },
  });
  const busy = mutation.isPending;
  const error = mutation.error ? errorMessage(mutation.error, t("failed")) : query.error ? errorMessage(query.error, t("archive.loadFailed")) : null;

  const toggle = (enabled: boolean) => {
    if (!window.confirm(enabled ? t("archive.confirmOn") : t("archive.confirmOff"))) return;
    mutation.mutate(enabled);
  };

  /** Who last switched the archive and when, as far as the server knows. */
  const changedLine = () => {
    const date = status?.updated_at ? format.dateTime(new Date(status.updated_at), "full") : null;
    const name = status?.updated_by?.username ?? null;
    if (date && name) return t("archive.changedAtBy", { date, name });
    if (date) return t("archive.changedAt", { date });
    return name ? t("archive.changedBy", { name }) : t("archive.changed");
  };

  return (
    <section data-testid="admin-archive" aria-label={t("archive.label")} className="space-y-3">
      <ErrorLine message={error} testId="admin-archive-error" />
      {status && (
        <>
          <div className="flex items-center gap-3">
            <span
              data-testid="archive-state"
              data-enabled={status.enabled ? "true" : "false"}
              className={`rounded px-2 py-0.5 text-sm font-medium ${status.enabled ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-700"}`}
            >
              {status.enabled ? t("archive.on") : t("archive.off")}
            </span>
            <span className="text-sm text-slate-600">
              {status.source === "environment" ? t("archive.fromEnvironment") : changedLine()}
            </span>
            <button
              type="button"
              data-testid="archive-toggle"
              disabled={busy}
              onClick={() => toggle(!status.enabled)}
              className={status.enabled ? dangerClass : buttonClass}
            >
              {status.enabled ? t("archive.turnOff") : t("archive.turnOn")}
            </button>
          </div>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-600">{t("archive.lastRun")}</dt>
            <dd data-testid="archive-last-run">
              {status.last_run ? t("archive.lastRunValue", { date: format.dateTime(new Date(status.last_run.at), "full"), records: status.last_run.records }) : t("archive.never")}
            </dd>
            <dt className="text-slate-600">{t("archive.files")}</dt>
            <dd data-testid="archive-files">{format.number(status.files)}</dd>
            <dt className="text-slate-600">{t("archive.directory")}</dt>
            <dd className="font-mono text-xs">{status.directory}</dd>
            <dt className="text-slate-600">{t("archive.manifest")}</dt>
            <dd data-testid="archive-manifest" className="font-mono text-xs">
              {status.manifest_path}
            </dd>
          </dl>
          <p className="text-xs text-slate-600">{t("archive.note")}</p>
        </>
      )}
    </section>
  );
}
