"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorMessage, useFieldErrorMessage } from "@/hooks/useErrorMessage";
import { useUpdateRoom } from "@/hooks/useRoomAdmin";
import { FieldError } from "@/components/ui/FieldError";
import { ApiError } from "@/lib/api";
import type { RoomDetail } from "@/protocol/rest";
import { ErrorLine, inputClass, primaryClass, Section } from "./ui";

/** The fields an error can point at: PatchRoomBody's keys as the server names them in `field`. */
const FIELDS = ["name", "topic", "visibility", "retention_days", "slow_mode_s", "member_limit"] as const;
type Field = (typeof FIELDS)[number];
const isField = (key: string | undefined): key is Field => (FIELDS as readonly string[]).includes(key ?? "");

const numberOrNull = (text: string): number | null | "invalid" => {
  if (!text.trim()) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : "invalid";
};

/**
 * Room settings for admins; the server validates. Its message is shown at the field it names
 * (in English as the server wrote it, in other languages as the error code's sentence).
 */
export function SettingsForm({ room }: { room: RoomDetail }) {
  const t = useTranslations("manage.settings");
  const errorMessage = useErrorMessage();
  const fieldError = useFieldErrorMessage();
  const updateRoom = useUpdateRoom(room.id);
  const s = room.settings;
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? "");
  const [visibility, setVisibility] = useState<"public" | "private">(room.visibility === "private" ? "private" : "public");
  const [retention, setRetention] = useState(typeof s.retention_days === "number" ? String(s.retention_days) : "");
  const [files, setFiles] = useState(s.files_allowed !== false);
  const [typing, setTyping] = useState(s.typing_indicators !== false);
  const [slowMode, setSlowMode] = useState(String(typeof s.slow_mode_s === "number" ? s.slow_mode_s : 0));
  const [memberLimit, setMemberLimit] = useState(typeof s.member_limit === "number" ? String(s.member_limit) : "");
  const [guests, setGuests] = useState(s.guests_can_post === true);
  const [joinLines, setJoinLines] = useState(s.system_joins !== false);
  const [roomMentions, setRoomMentions] = useState(s.room_mentions !== false);
  const [assistant, setAssistant] = useState(s.assistant !== false);
  const [error, setError] = useState<string | null>(null);
  /** Errors shown at their field (client checks and the server's `field`). */
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const clearError = (key: Field) => setFieldErrors((errors) => (errors[key] ? { ...errors, [key]: undefined } : errors));
  /** aria-invalid + aria-describedby for a field, pointing at its FieldError. */
  const described = (key: Field) => ({
    "aria-invalid": fieldErrors[key] ? true : undefined,
    "aria-describedby": fieldErrors[key] ? `settings-${key}-error` : undefined,
  });
  const errorAt = (key: Field, testId: string) => <FieldError id={`settings-${key}-error`} testId={testId} message={fieldErrors[key] ?? null} />;
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    setSaved(false);
    const retention_days = numberOrNull(retention);
    const member_limit = numberOrNull(memberLimit);
    const slow = numberOrNull(slowMode);
    const notNumbers: Partial<Record<Field, string>> = {
      ...(retention_days === "invalid" ? { retention_days: t("retentionInvalid") } : {}),
      ...(slow === "invalid" ? { slow_mode_s: t("slowModeInvalid") } : {}),
      ...(member_limit === "invalid" ? { member_limit: t("memberLimitInvalid") } : {}),
    };
    if (retention_days === "invalid" || member_limit === "invalid" || slow === "invalid") {
      setFieldErrors(notNumbers);
      return;
    }
    setBusy(true);
    try {
      await updateRoom.mutateAsync({
        name,
        topic,
        visibility,
        retention_days,
        files_allowed: files,
        typing_indicators: typing,
        slow_mode_s: slow ?? 0,
        member_limit,
        guests_can_post: guests,
        system_joins: joinLines,
        room_mentions: roomMentions,
        assistant,
      });
      setSaved(true);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      if (err instanceof ApiError && isField(field)) setFieldErrors({ [field]: fieldError(err) });
      else setError(errorMessage(err, t("saveFailed")));
    } finally {
      setBusy(false);
    }
  }

  const check = (label: string, value: boolean, set: (v: boolean) => void, testId: string) => (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input type="checkbox" data-testid={testId} checked={value} onChange={(e) => set(e.target.checked)} className="accent-indigo-600" />
      {label}
    </label>
  );

  return (
    <Section title={t("title")} testId="manage-settings">
      <form onSubmit={submit} noValidate className="grid gap-3 rounded-lg border border-slate-200 p-4 sm:grid-cols-2">
        <label className="text-xs font-medium text-slate-600">
          {t("name")}
          <input
            data-testid="settings-name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              clearError("name");
            }}
            {...described("name")}
            className={`${inputClass} mt-1 block w-full`}
          />
          {errorAt("name", "settings-name-error")}
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("topic")}
          <input
            data-testid="settings-topic"
            value={topic}
            onChange={(e) => {
              setTopic(e.target.value);
              clearError("topic");
            }}
            {...described("topic")}
            className={`${inputClass} mt-1 block w-full`}
          />
          {errorAt("topic", "settings-topic-error")}
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("visibility")}
          <select
            data-testid="settings-visibility"
            value={visibility}
            onChange={(e) => {
              setVisibility(e.target.value as "public" | "private");
              clearError("visibility");
            }}
            {...described("visibility")}
            className={`${inputClass} mt-1 block w-full`}
          >
            <option value="public">{t("public")}</option>
            <option value="private">{t("private")}</option>
          </select>
          {errorAt("visibility", "settings-visibility-error")}
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("retention")}
          <input
            data-testid="settings-retention"
            value={retention}
            inputMode="decimal"
            onChange={(e) => {
              setRetention(e.target.value);
              clearError("retention_days");
            }}
            {...described("retention_days")}
            className={`${inputClass} mt-1 block w-full`}
          />
          {errorAt("retention_days", "settings-retention-error")}
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("slowMode")}
          <input
            data-testid="settings-slow-mode"
            value={slowMode}
            inputMode="numeric"
            onChange={(e) => {
              setSlowMode(e.target.value);
              clearError("slow_mode_s");
            }}
            {...described("slow_mode_s")}
            className={`${inputClass} mt-1 block w-full`}
          />
          {errorAt("slow_mode_s", "settings-slow-mode-error")}
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("memberLimit")}
          <input
            data-testid="settings-member-limit"
            value={memberLimit}
            inputMode="numeric"
            onChange={(e) => {
              setMemberLimit(e.target.value);
              clearError("member_limit");
            }}
            {...described("member_limit")}
            className={`${inputClass} mt-1 block w-full`}
          />
          {errorAt("member_limit", "settings-member-limit-error")}
        </label>
        <div className="space-y-1.5 sm:col-span-2">
          {check(t("files"), files, setFiles, "settings-files")}
          {check(t("typing"), typing, setTyping, "settings-typing")}
          {check(t("guests"), guests, setGuests, "settings-guests")}
          {check(t("systemJoins"), joinLines, setJoinLines, "settings-system-joins")}
          {check(t("roomMentions"), roomMentions, setRoomMentions, "settings-room-mentions")}
          {check(t("assistant"), assistant, setAssistant, "settings-assistant")}
        </div>
        <div className="flex items-center gap-3 sm:col-span-2">
          <button type="submit" data-testid="settings-save" disabled={busy} className={primaryClass}>
            {busy ? t("saving") : t("save")}
          </button>
          {saved && (
            <span data-testid="settings-saved" className="text-sm text-emerald-700">
              {t("saved")}
            </span>
          )}
        </div>
      </form>
      <ErrorLine message={error} testId="settings-error" />
    </Section>
  );
}
