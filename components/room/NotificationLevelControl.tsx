"use client";
/** The room header's notification level: all messages, mentions only, or nothing. */
import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore } from "react";
import { useChat } from "@/hooks/useChatSocket";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { api } from "@/lib/api";
import type { NotificationLevel } from "@/protocol/rest";

/** The levels in menu order (each is also its label's key). */
const LEVELS: readonly NotificationLevel[] = ["all", "mentions", "none"];

export function NotificationLevelControl({ roomId }: { roomId: string }) {
  const { directory } = useChat();
  const t = useTranslations("room.notifications");
  const errorMessage = useErrorMessage();
  const level = useSyncExternalStore(
    directory.subscribe,
    () => directory.rooms().find((r) => r.id === roomId)?.notifications,
    () => undefined,
  );
  const [error, setError] = useState<string | null>(null);
  if (!level) return null;
  return (
    <label className="flex items-center gap-1 text-xs text-slate-600" title={error ?? t("title")}>
      <span aria-hidden>🔔</span>
      <span className="sr-only">{t("label")}</span>
      <select
        data-testid="notification-level"
        value={level}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const next = e.target.value as NotificationLevel;
          setError(null);
          api.setNotifications(roomId, next).then(
            () => directory.setNotifications(roomId, next),
            (err: unknown) => setError(errorMessage(err, t("saveFailed"))),
          );
        }}
        className="rounded-md border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-700"
      >
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(l)}
          </option>
        ))}
      </select>
    </label>
  );
}
