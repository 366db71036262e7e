"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { StatusPicker } from "@/components/shell/StatusPicker";
import { useBlocks } from "@/hooks/useProfile";
import { LanguagePicker } from "./LanguagePicker";
import { ProfileForm } from "./ProfileForm";
import { ThemePicker } from "./ThemePicker";

/** The user's own settings: profile (display name), theme, language, status and the people they blocked. */
export function SettingsView() {
  const t = useTranslations("settings");
  const format = useFormatter();
  const blocks = useBlocks();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <header className="border-b border-slate-200 px-6 py-3">
        <h1 className="text-base font-semibold text-slate-900">{t("title")}</h1>
      </header>
      <div className="mx-auto max-w-2xl space-y-8 px-6 py-6">
        <section aria-label={t("sections.profile")}>
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{t("sections.profile")}</h2>
          <ProfileForm />
        </section>
        <section aria-label={t("sections.theme")}>
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{t("sections.theme")}</h2>
          <ThemePicker />
        </section>
        <section aria-label={t("sections.language")}>
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{t("sections.language")}</h2>
          <LanguagePicker />
        </section>
        <section aria-label={t("sections.status")}>
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{t("sections.status")}</h2>
          <StatusPicker />
        </section>
        <section aria-label={t("sections.blocked")} data-testid="blocked-users">
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{t("sections.blocked")}</h2>
          {blocks.error && <p className="text-sm text-rose-700">{blocks.error}</p>}
          {blocks.loaded && blocks.blocked.length === 0 && <p className="text-sm text-slate-600">{t("blocked.none")}</p>}
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 empty:hidden">
            {blocks.blocked.map((b) => (
              <li key={b.id} data-testid="blocked-user" data-username={b.username} className="flex items-center gap-3 px-3 py-2 text-sm">
                <span className="flex-1">
                  <span className="font-medium text-slate-800">{b.username}</span>
                  <span className="ml-2 text-xs text-slate-600">{t("blocked.since", { date: format.dateTime(new Date(b.at), "full") })}</span>
                </span>
                <button
                  type="button"
                  data-testid="unblock"
                  onClick={() => void blocks.toggle(b).then(setError)}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
                >
                  {t("blocked.unblock")}
                </button>
              </li>
            ))}
          </ul>
          {error && (
            <p role="alert" className="mt-2 text-sm text-rose-700">
              {error}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
