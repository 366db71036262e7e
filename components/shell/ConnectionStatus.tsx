"use client";
import { useConnectionStatus } from "@/hooks/useChatSocket";
import type { ConnectionStatus as Status } from "@/lib/chat-store";

const STYLE: Record<Status, { dot: string; text: string; hint: string }> = {
  connecting: { dot: "bg-amber-400 animate-pulse", text: "text-amber-700", hint: "Connecting to the chat server…" },
  online: { dot: "bg-emerald-500", text: "text-emerald-700", hint: "Connected: messages arrive live" },
  reconnecting: { dot: "bg-amber-500 animate-pulse", text: "text-amber-700", hint: "Connection lost; reconnecting. Messages you send are kept and sent when back." },
  offline: { dot: "bg-slate-400", text: "text-slate-600", hint: "Offline. Messages you send are kept and sent when you are back online." },
};

/**
 * The socket's state in words; the text is exactly the status (e2e reads it). State only: the
 * one control that reconnects at once is the ConnectionBanner's "Retry now".
 */
export function ConnectionStatus() {
  const status = useConnectionStatus();
  const style = STYLE[status];
  return (
    <div className="flex items-center gap-1.5 text-xs font-medium" title={style.hint} role="status" aria-live="polite">
      <span className={`inline-block h-2 w-2 rounded-full ${style.dot}`} aria-hidden />
      <span data-testid="connection-status" className={style.text}>
        {status}
      </span>
    </div>
  );
}
