"use client";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useProfile, useSetProfile } from "@/hooks/useProfile";
import { api, type Profile } from "@/lib/api";

type Preferences = Pick<Profile, "theme" | "locale">;

/**
 * What the account preference pickers (language, theme) share: a choice shows at once, is
 * stored on the account, and is undone with the reason when the server refuses it. `save`
 * resolves true once stored; `undo` takes back what the picker applied outside the profile.
 */
export function usePreference(saveFailed: string) {
  const profile = useProfile();
  const setProfile = useSetProfile();
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);

  const save = async (patch: Partial<Preferences>, undo?: () => void): Promise<boolean> => {
    const before = profile;
    setError(null);
    if (before) setProfile({ ...before, ...patch });
    try {
      setProfile(await api.updateMe(patch));
      return true;
    } catch (err) {
      if (before) setProfile(before);
      undo?.();
      setError(errorMessage(err, saveFailed));
      return false;
    }
  };

  return { profile, save, error };
}

/** Under a picker: what the choice does, and why the last one was not saved. */
export function PreferenceNote({ hint, error }: { hint: string; error: string | null }) {
  return (
    <>
      <p className="text-xs text-slate-600">{hint}</p>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </>
  );
}
