"use client";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useProfile, useSetProfile } from "@/hooks/useProfile";
import { LOCALE_NAMES, LOCALES, isLocale, type Locale } from "@/i18n/config";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";

const BROWSER = "browser";

/**
 * The interface language: one of the shipped languages, or the browser's preference. Stored on
 * the account (every device follows it); the page re-renders in it from the server.
 */
export function LanguagePicker() {
  const t = useTranslations("settings.language");
  const active = useLocale();
  const profile = useProfile();
  const setProfile = useSetProfile();
  const router = useRouter();
  const errorMessage = useErrorMessage();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const current = profile ? (profile.locale ?? BROWSER) : BROWSER;

  const choose = async (value: string) => {
    const next: Locale | null = isLocale(value) ? value : null;
    setError(null);
    try {
      setProfile(await api.updateMe({ locale: next }));
      startTransition(() => router.refresh());
    } catch (err) {
      setError(errorMessage(err, t("saveFailed")));
    }
  };

  return (
    <div className="space-y-2">
      <label className="flex flex-wrap items-center gap-3 text-sm text-slate-800">
        <span className="font-medium">{t("label")}</span>
        <select
          data-testid="language-picker"
          value={current}
          disabled={!profile || pending}
          onChange={(e) => void choose(e.target.value)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          <option value={BROWSER}>{t("browser", { language: LOCALE_NAMES[active] })}</option>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <p className="text-xs text-slate-600">{t("hint")}</p>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
