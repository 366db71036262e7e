"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import { exportQuery, exportsQuery, queryKeys } from "@/lib/queries";
import type { RoomExport } from "@/protocol/rest";
import { ErrorLine, primaryClass, Section } from "./ui";

const POLL_MS = 1_000;
const active = (e: RoomExport | null | undefined) => e?.status === "queued" || e?.status === "running";

/**
 * Room export (admins): starts an export job, shows its progress while it runs (polling its
 * status), then links to the two files until the link expires. Failures are shown as the
 * server reported them.
 */
export function ExportPanel({ roomId }: { roomId: string }) {
  const t = useTranslations("manage.export");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const list = useQuery(exportsQuery(roomId));
  const latest = list.data?.[0] ?? null;
  // While the latest export is queued or running, its status is polled until it settles.
  const progress = useQuery({
    ...exportQuery(roomId, latest?.id ?? ""),
    enabled: active(latest),
    refetchInterval: (query) => (active(query.state.data ?? latest) ? POLL_MS : false),
  });
  const current = progress.data ?? latest;
  const running = active(current);

  const startExport = useMutation({
    mutationFn: () => api.startExport(roomId).then((r) => r.export),
    onSuccess: (started) => queryClient.setQueryData<RoomExport[]>(queryKeys.exports(roomId), (exports = []) => [started, ...exports.filter((e) => e.id !== started.id)]),
  });
  const start = () => startExport.mutate();
  const busy = startExport.isPending;
  const error = startExport.error
    ? errorMessage(startExport.error, t("startFailed"))
    : progress.error
      ? errorMessage(progress.error, t("progressFailed"))
      : list.error
        ? errorMessage(list.error, t("loadFailed"))
        : null;

  const percent = Math.round((current?.progress ?? 0) * 100);
  return (
    <Section title={t("title")} testId="manage-export">
      <div className="space-y-3 rounded-lg border border-slate-200 p-3">
        <p className="text-sm text-slate-600">
          {t("intro")}
        </p>
        <button type="button" className={primaryClass} onClick={start} disabled={busy || running} data-testid="export-start">
          {running ? t("exporting") : t("start")}
        </button>
        {current && running && (
          <div data-testid="export-progress">
            <div
              role="progressbar"
              aria-label={t("progress")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-2 w-full overflow-hidden rounded bg-slate-200"
            >
              <div className="h-full bg-indigo-600 transition-all" style={{ width: `${percent}%` }} />
            </div>
            <p className="mt-1 text-xs text-slate-600">
              {current.status === "queued" ? t("waiting") : format.number(percent / 100, { style: "percent" })}
              {current.error ? ` — ${current.error}` : ""}
            </p>
          </div>
        )}
        {current?.status === "done" && current.url && current.html_url && (
          <div className="space-y-1 text-sm" data-testid="export-ready">
            <p className="flex flex-wrap gap-4">
              <a href={current.html_url} download className="font-medium text-indigo-600 hover:underline" data-testid="export-download-html">
                {t("downloadHtml")}
              </a>
              <a href={current.url} download className="font-medium text-indigo-600 hover:underline" data-testid="export-download-jsonl">
                {t("downloadJsonl")}
              </a>
            </p>
            <p className="text-xs text-slate-600">{t("expires", { date: format.dateTime(new Date(current.expires_at), "full") })}</p>
          </div>
        )}
        {current?.status === "expired" && <p className="text-xs text-slate-600">{t("expired")}</p>}
        {current?.status === "failed" && <ErrorLine message={current.error ?? t("failed")} testId="export-failed" />}
        <ErrorLine message={error} testId="export-error" />
      </div>
    </Section>
  );
}
