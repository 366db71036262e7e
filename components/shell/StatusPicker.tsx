"use client";
import { useTranslations } from "next-intl";
import { PresenceDot } from "@/components/ui/PresenceDot";
import { useConnectionStatus } from "@/hooks/useChatSocket";
import { useChosenStatus } from "@/hooks/usePresence";
import type { ChosenStatus } from "@/lib/chat-client";

const OPTIONS: readonly ChosenStatus[] = ["online", "away", "dnd"];

/** The user's own status; every tab of theirs follows the choice. */
export function StatusPicker() {
  const t = useTranslations("shell.status");
  const [status, setStatus] = useChosenStatus();
  // Others cannot see you while this tab is disconnected: say so rather than show green.
  const live = useConnectionStatus() === "online";
  return (
    <label className="flex items-center gap-1.5 text-slate-600">
      <PresenceDot status={live ? status : "unknown"} />
      <span className="sr-only">{t("label")}</span>
      <select
        data-testid="status-picker"
        value={status}
        onChange={(e) => setStatus(e.target.value as ChosenStatus)}
        className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs focus:border-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
      >
        {OPTIONS.map((o) => (
          <option key={o} value={o}>
            {t(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
