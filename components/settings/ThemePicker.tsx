"use client";
import { useTranslations } from "next-intl";
import { useTheme } from "next-themes";
import { useState } from "react";
import { useProfile, useSetProfile } from "@/hooks/useProfile";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import type { ThemePreference } from "@/protocol/rest";

const OPTIONS: readonly ThemePreference[] = ["light", "dark", "system"];

/**
 * Light, dark, or the device's setting. Applied at once on this device and stored on the
 * account, so every device the user signs in on follows it (components/theme/ThemeProvider.tsx).
 */
export function ThemePicker() {
  const t = useTranslations("settings.theme");
  const errorMessage = useErrorMessage();
  const profile = useProfile();
  const setProfile = useSetProfile();
  const { theme, setTheme } = useTheme();
  const [error, setError] = useState<string | null>(null);
  const current = (profile?.theme ?? theme ?? "system") as ThemePreference;

  const choose = async (next: ThemePreference) => {
    const previous = current;
    setError(null);
    setTheme(next);
    if (profile) setProfile({ ...profile, theme: next });
    try {
      setProfile(await api.updateMe({ theme: next }));
    } catch (err) {
      setTheme(previous);
      if (profile) setProfile({ ...profile, theme: previous });
      setError(errorMessage(err, t("saveFailed")));
    }
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
              onChange={() => void choose(o)}
              className="accent-indigo-600"
            />
            {t(o)}
          </label>
        ))}
      </div>
      <p className="text-xs text-slate-600">{t("hint")}</p>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
