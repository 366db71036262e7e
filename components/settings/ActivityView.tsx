"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useProfile } from "@/hooks/useProfile";
import { activityQuery } from "@/lib/queries";

const KINDS = ["connect", "join", "message", "moderation"] as const;

/** Site-wide activity per day and kind over the last 30 days (site admins only). */
export function ActivityView() {
  const t = useTranslations("settings.activity");
  const common = useTranslations("common");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const profile = useProfile();
  const query = useQuery({ ...activityQuery(30), enabled: !!profile?.site_admin });
  const rows = query.data;
  const error = query.error ? errorMessage(query.error, t("loadFailed")) : null;

  if (!profile) return <p className="m-auto text-sm text-slate-600">{common("loading")}</p>;
  if (!profile.site_admin) {
    return (
      <p role="alert" data-testid="admin-forbidden" className="m-auto text-sm text-slate-600">
        {t("forbidden")}
      </p>
    );
  }

  const days = [...new Set((rows ?? []).map((r) => r.day))].sort().reverse();
  const cell = (day: string, kind: string) => rows?.find((r) => r.day === day && r.kind === kind);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <header className="border-b border-slate-200 px-6 py-3">
        <h1 className="text-base font-semibold text-slate-900">{t("title")}</h1>
      </header>
      <div className="mx-auto max-w-3xl px-6 py-6">
        {error && (
          <p role="alert" className="text-sm text-rose-700">
            {error}
          </p>
        )}
        {rows && days.length === 0 && <p className="text-sm text-slate-600">{t("empty")}</p>}
        {days.length > 0 && (
          <table className="w-full text-left text-sm" data-testid="activity-table">
            <thead className="text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="py-1 font-medium">{t("day")}</th>
                {KINDS.map((k) => (
                  <th key={k} className="py-1 text-right font-medium">
                    {t(`kinds.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {days.map((day) => (
                <tr key={day} data-testid="activity-row" data-day={day}>
                  <td className="py-1.5 font-medium text-slate-700">{day.slice(0, 10)}</td>
                  {KINDS.map((k) => {
                    const c = cell(day, k);
                    return (
                      <td key={k} data-kind={k} data-value={c?.count ?? 0} className="py-1.5 text-right tabular-nums" title={c ? t("users", { count: c.users }) : undefined}>
                        {format.number(c?.count ?? 0)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
