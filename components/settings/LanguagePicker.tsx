"use client";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { LOCALE_NAMES, LOCALES, isLocale } from "@/i18n/config";
import { PreferenceNote, usePreference } from "./usePreference";

const BROWSER = "browser";

/**
 * The interface language: one of the shipped languages, or the browser's preference. Stored on
 * the account (every device follows it); the page re-renders in it from the server.
 */
export function LanguagePicker() {
  const t = useTranslations("settings.language");
  const active = useLocale();
  const router = useRouter();
  const { profile, save, error } = usePreference(t("saveFailed"));
  const [pending, startTransition] = useTransition();
  const current = profile ? (profile.locale ?? BROWSER) : BROWSER;

  // The page is rendered in the stored language by the server: fetch it again once stored.
  const choose = async (value: string) => {
    if (await save({ locale: isLocale(value) ? value : null })) startTransition(() => router.refresh());
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
      <PreferenceNote hint={t("hint")} error={error} />
    </div>
  );
}
