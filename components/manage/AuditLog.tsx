"use client";
import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "@/lib/api";
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
      {entries && entries.length === 0 && <p className="text-sm text-slate-500">Nothing recorded yet.</p>}
      {entries && entries.length > 0 && (
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1 font-medium">When</th>
              <th className="py-1 font-medium">Who</th>
              <th className="py-1 font-medium">Action</th>
              <th className="py-1 font-medium">Target</th>
              <th className="py-1 font-medium">Reason</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="py-1.5 whitespace-nowrap text-slate-500">{formatFull(e.at)}</td>
                <td className="py-1.5">{e.actor?.username ?? "—"}</td>
                <td className="py-1.5 font-medium">{e.action.replace(/_/g, " ")}</td>
                <td className="py-1.5">{e.target?.username ?? "—"}</td>
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
