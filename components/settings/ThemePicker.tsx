"use client";
import { useTranslations } from "next-intl";
import { useTheme } from "next-themes";
import type { ThemePreference } from "@/protocol/rest";
import { PreferenceNote, usePreference } from "./usePreference";

const OPTIONS: readonly ThemePreference[] = ["light", "dark", "system"];

/**
 * Light, dark, or the device's setting. Applied at once on this device and stored on the
 * account, so every device the user signs in on follows it (components/theme/ThemeProvider.tsx).
 */
export function ThemePicker() {
  const t = useTranslations("settings.theme");
  const { profile, save, error } = usePreference(t("saveFailed"));
  const { theme, setTheme } = useTheme();
  const current = (profile?.theme ?? theme ?? "system") as ThemePreference;

  // This device follows at once, before the account has it.
  const choose = (next: ThemePreference) => {
    const previous = current;
    setTheme(next);
    void save({ theme: next }, () => setTheme(previous));
  };

  return (
    <fieldset data-testid="theme-picker" className="space-y-2">
      <legend className="sr-only">{t("legend")}</legend>
      <div className="flex flex-wrap gap-2">
        {OPTIONS.map((o) => (
          <label
            key={o}
            title={t(`${o}Hint`)}
            className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500"
          >
            <input
              type="radio"
              name="theme"
              value={o}
              data-testid={`theme-${o}`}
              checked={current === o}
              disabled={!profile}
              onChange={() => choose(o)}
              className="accent-indigo-600"
            />
            {t(o)}
          </label>
        ))}
      </div>
      <PreferenceNote hint={t("hint")} error={error} />
    </fieldset>
  );
}
