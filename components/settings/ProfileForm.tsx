"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useProfile, useSetProfile } from "@/hooks/useProfile";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";

const MAX = 64;

/**
 * The user's display name: shown instead of their username in rooms (the username stays their
 * handle, shown beside it). Empty means "show my username". Avatars come with uploads.
 */
export function ProfileForm() {
  const t = useTranslations("settings.profile");
  const common = useTranslations("common");
  const errorMessage = useErrorMessage();
  const profile = useProfile();
  const setProfile = useSetProfile();
  /** What the user typed; null until they type, showing the saved name. */
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? profile?.display_name ?? "";
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  const save = async (displayName: string | null) => {
    setSaving(true);
    setNote(null);
    try {
      const updated = await api.updateMe({ display_name: displayName });
      setProfile(updated);
      setDraft(null);
      setNote({ kind: "ok", text: updated.display_name ? t("saved") : t("cleared") });
    } catch (err) {
      setNote({ kind: "error", text: errorMessage(err, t("saveFailed")) });
    } finally {
      setSaving(false);
    }
  };

  const trimmed = value.trim();
  const unchanged = profile !== null && trimmed === (profile.display_name ?? "");
  return (
    <form
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(trimmed === "" ? null : trimmed);
      }}
      className="space-y-2"
    >
      <p className="text-sm text-slate-600">
        {t.rich("signedInAs", { username: profile?.username ?? "…", b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> })}
      </p>
      <label htmlFor="display-name" className="block text-sm font-medium text-slate-700">
        {t("displayName")}
      </label>
      <div className="flex gap-2">
        <input
          id="display-name"
          data-testid="display-name-input"
          value={value}
          maxLength={MAX}
          placeholder={profile?.username ?? ""}
          onChange={(e) => setDraft(e.target.value)}
          className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-sm focus:border-indigo-500 focus:outline-none"
        />
        <button
          type="submit"
          data-testid="display-name-save"
          disabled={saving || !profile || unchanged}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
        >
          {common("save")}
        </button>
        {profile?.display_name && (
          <button
            type="button"
            data-testid="display-name-clear"
            disabled={saving}
            onClick={() => void save(null)}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50"
          >
            {t("useUsername")}
          </button>
        )}
      </div>
      <p className="text-xs text-slate-600">{t("hint", { max: MAX })}</p>
      {note && (
        <p role={note.kind === "error" ? "alert" : "status"} data-testid="display-name-note" className={`text-sm ${note.kind === "error" ? "text-rose-700" : "text-emerald-700"}`}>
          {note.text}
        </p>
      )}
    </form>
  );
}
