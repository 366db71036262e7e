"use client";
import { useTranslations } from "next-intl";
import { useConnectionStatus } from "@/hooks/useChatSocket";
import type { ConnectionStatus as Status } from "@/lib/chat-store";

const STYLE: Record<Status, { dot: string; text: string }> = {
  connecting: { dot: "bg-amber-400 animate-pulse", text: "text-amber-700" },
  online: { dot: "bg-emerald-500", text: "text-emerald-700" },
  reconnecting: { dot: "bg-amber-500 animate-pulse", text: "text-amber-700" },
  offline: { dot: "bg-slate-400", text: "text-slate-600" },
};

/**
 * The socket's state in words; in English the text is exactly the status (e2e reads it), and
 * `data-status` carries it in every language. State only: the one control that reconnects at
 * once is the ConnectionBanner's "Retry now".
 */
export function ConnectionStatus() {
  const status = useConnectionStatus();
  const t = useTranslations("shell.connection");
  const style = STYLE[status];
  return (
    <div className="flex items-center gap-1.5 text-xs font-medium" title={t(`hint.${status}`)} role="status" aria-live="polite">
      <span className={`inline-block h-2 w-2 rounded-full ${style.dot}`} aria-hidden />
      <span data-testid="connection-status" data-status={status} className={style.text}>
        {t(`status.${status}`)}
      </span>
    </div>
  );
}
