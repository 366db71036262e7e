"use client";
import { useQuery } from "@tanstack/react-query";
import { type AuditEntry, errorMessage } from "@/lib/api";
import { formatFull } from "@/lib/format";
import { auditQuery } from "@/lib/queries";
import { ErrorLine, Section } from "./ui";

/** The room's audit log, newest first (admins); refreshed with the room's queries. */
export function AuditLog({ roomId }: { roomId: string }) {
  const query = useQuery(auditQuery(roomId));
  const entries = query.data;
  const error = query.error ? errorMessage(query.error, "Could not load the audit log.") : null;

  return (
    <Section title="Audit log" testId="manage-audit">
      {entries && entries.length === 0 && <p className="text-sm text-slate-600">Nothing recorded yet.</p>}
      {entries && entries.length > 0 && (
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="py-1 font-medium">When</th>
              <th className="py-1 font-medium">Who</th>
              <th className="py-1 font-medium">Action</th>
              <th className="py-1 font-medium">Target</th>
              <th className="py-1 font-medium">Change</th>
              <th className="py-1 font-medium">Reason</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="py-1.5 whitespace-nowrap text-slate-600">{formatFull(e.at)}</td>
                <td className="py-1.5">{e.actor?.username ?? "—"}</td>
                <td className="py-1.5 font-medium">{e.action.replace(/_/g, " ")}</td>
                <td className="py-1.5">{e.target?.username ?? "—"}</td>
                <td className="py-1.5 text-slate-700" data-testid="audit-change">
                  {describeChange(e)}
                </td>
                <td className="py-1.5 text-slate-600">{e.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorLine message={error} testId="audit-error" />
    </Section>
  );
}

const shown = (value: unknown): string => {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "boolean") return value ? "on" : "off";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
};

/** What an entry changed, old → new, in words ("" when the action says it all). */
export function describeChange(entry: Pick<AuditEntry, "action" | "details">): string {
  const d = entry.details ?? {};
  switch (entry.action) {
    case "settings": {
      const changes = Array.isArray(d.changes) ? (d.changes as { field: string; from: unknown; to: unknown }[]) : [];
      return changes.map((c) => `${c.field.replace(/_/g, " ")}: ${shown(c.from)} → ${shown(c.to)}`).join("; ");
    }
    case "role":
      return d.from ? `${shown(d.from)} → ${shown(d.role)}` : `→ ${shown(d.role)}`;
    case "mute":
      return typeof d.duration_s === "number" ? `for ${formatDuration(d.duration_s)}` : "until unmuted";
    case "invite_created":
      return `role ${shown(d.role)}${typeof d.max_uses === "number" ? `, up to ${d.max_uses} uses` : ""}`;
    case "invite_accepted":
      return `as ${shown(d.role)}`;
    default:
      return "";
  }
}

function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
