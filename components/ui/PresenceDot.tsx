import type { PresenceState } from "@/lib/chat-store";

const COLORS: Record<PresenceState["status"], string> = {
  online: "bg-emerald-500",
  idle: "bg-amber-400",
  away: "bg-amber-400",
  dnd: "bg-rose-500",
  offline: "bg-slate-400",
};

export const STATUS_LABEL: Record<PresenceState["status"], string> = {
  online: "Online",
  idle: "Idle",
  away: "Away",
  dnd: "Do not disturb",
  offline: "Offline",
};

/** A small coloured dot: online green, idle/away yellow, dnd red, offline grey. */
export function PresenceDot({ status, className = "" }: { status: PresenceState["status"]; className?: string }) {
  return (
    <span
      data-testid="presence-dot"
      data-status={status}
      title={STATUS_LABEL[status]}
      className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ring-2 ring-white ${COLORS[status]} ${className}`}
    />
  );
}
