import { initials, userHue } from "@/lib/format";
import { PresenceDot, type ShownStatus } from "./PresenceDot";

/** Initials on a per-user colour; with `status`, a presence dot on the corner. */
export function Avatar({ id, name, size = "md", status }: { id: string; name: string; size?: "sm" | "md"; status?: ShownStatus }) {
  const dims = size === "sm" ? "h-6 w-6 text-[10px]" : "h-9 w-9 text-xs";
  return (
    <span className="relative inline-flex shrink-0">
      <span
        aria-hidden
        className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white ${dims}`}
        // Dark enough for white initials (4.5:1) at every hue, in either theme.
        style={{ backgroundColor: `hsl(${userHue(id)} 50% 30%)` }}
      >
        {initials(name)}
      </span>
      {status && <PresenceDot status={status} className="absolute -right-0.5 -bottom-0.5 h-2 w-2" />}
    </span>
  );
}
