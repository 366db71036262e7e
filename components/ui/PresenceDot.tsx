import { useTranslations } from "next-intl";
import type { PresenceState } from "@/lib/chat-store";

/** What a dot can say: a known status, or "unknown" while this tab is not connected. */
export type ShownStatus = PresenceState["status"] | "unknown";

const COLORS: Record<ShownStatus, string> = {
  online: "bg-emerald-500",
  idle: "bg-amber-400",
  away: "bg-amber-400",
  dnd: "bg-rose-500",
  offline: "bg-slate-400",
  // Hollow: nothing is known, so no colour may suggest a status.
  unknown: "bg-white border border-dashed border-slate-500",
};

/**
 * A small coloured dot: online green, idle/away yellow, dnd red, offline grey, hollow when
 * unknown. The status is also its accessible name, so colour is never the only signal.
 */
export function PresenceDot({ status, className = "" }: { status: ShownStatus; className?: string }) {
  const label = useTranslations("shell.status")(status);
  return (
    <span
      role="img"
      aria-label={label}
      data-testid="presence-dot"
      data-status={status}
      title={label}
      className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ring-2 ring-white ${COLORS[status]} ${className}`}
    />
  );
}
