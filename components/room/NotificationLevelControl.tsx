"use client";
/** The room header's notification level: all messages, mentions only, or nothing. */
import { useState, useSyncExternalStore } from "react";
import { useChat } from "@/hooks/useChatSocket";
import { api, errorMessage } from "@/lib/api";
import type { NotificationLevel } from "@/protocol/rest";

const LABELS: Record<NotificationLevel, string> = { all: "All messages", mentions: "Mentions only", none: "Nothing" };

export function NotificationLevelControl({ roomId }: { roomId: string }) {
  const { directory } = useChat();
  const level = useSyncExternalStore(
    directory.subscribe,
    () => directory.rooms().find((r) => r.id === roomId)?.notifications,
    () => undefined,
  );
  const [error, setError] = useState<string | null>(null);
  if (!level) return null;
  return (
    <label className="flex items-center gap-1 text-xs text-slate-600" title={error ?? "Desktop notifications for this room"}>
      <span aria-hidden>🔔</span>
      <span className="sr-only">Notifications</span>
      <select
        data-testid="notification-level"
        value={level}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const next = e.target.value as NotificationLevel;
          setError(null);
          api.setNotifications(roomId, next).then(
            () => directory.setNotifications(roomId, next),
            (err: unknown) => setError(errorMessage(err, "Could not change notifications.")),
          );
        }}
        className="rounded-md border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-700"
      >
        {(Object.keys(LABELS) as NotificationLevel[]).map((l) => (
          <option key={l} value={l}>
            {LABELS[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
