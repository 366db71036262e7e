"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import type { AuditEntry } from "@/lib/api";
import { auditQuery } from "@/lib/queries";
import { isRole } from "@/lib/roles";
import { ErrorLine, type ManageT, Section } from "./ui";

type Format = ReturnType<typeof useFormatter>;

/** The room's audit log, newest first (admins); refreshed with the room's queries. */
export function AuditLog({ roomId }: { roomId: string }) {
  const t = useTranslations("manage");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const query = useQuery(auditQuery(roomId));
  const entries = query.data;
  const error = query.error ? errorMessage(query.error, t("audit.loadFailed")) : null;

  return (
    <Section title={t("audit.title")} testId="manage-audit">
      {entries && entries.length === 0 && <p className="text-sm text-slate-600">{t("audit.empty")}</p>}
      {entries && entries.length > 0 && (
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="py-1 font-medium">{t("audit.columns.when")}</th>
              <th className="py-1 font-medium">{t("audit.columns.who")}</th>
              <th className="py-1 font-medium">{t("audit.columns.action")}</th>
              <th className="py-1 font-medium">{t("audit.columns.target")}</th>
              <th className="py-1 font-medium">{t("audit.columns.change")}</th>
              <th className="py-1 font-medium">{t("audit.columns.reason")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="py-1.5 whitespace-nowrap text-slate-600">{format.dateTime(new Date(e.at), "full")}</td>
                <td className="py-1.5">{e.actor?.username ?? "—"}</td>
                <td className="py-1.5 font-medium">{actionName(t, e.action)}</td>
                <td className="py-1.5">{e.target?.username ?? "—"}</td>
                <td className="py-1.5 text-slate-700" data-testid="audit-change">
                  {describeChange(e, t, format)}
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

/** An action's name; one the UI does not know yet reads as the server's key in words. */
function actionName(t: ManageT, action: string): string {
  const key = `audit.actions.${action}`;
  return t.has(key as Parameters<ManageT["has"]>[0]) ? t(key as Parameters<ManageT>[0]) : action.replace(/_/g, " ");
}

/**
 * A logged value in words: numbers per language, objects as JSON. `as` names what the value is,
 * so a role or a visibility is translated while a topic that happens to read "admin" is not.
 */
function shown(t: ManageT, format: Format, value: unknown, as?: "role" | "visibility"): string {
  if (value === null || value === undefined || value === "") return t("audit.values.none");
  if (typeof value === "boolean") return value ? t("audit.values.on") : t("audit.values.off");
  if (typeof value === "number") return format.number(value);
  if (as === "role" && typeof value === "string" && isRole(value)) return t(`roles.${value}`);
  if (as === "visibility" && (value === "public" || value === "private")) return t(`audit.values.${value}`);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function fieldName(t: ManageT, field: string): string {
  const key = `audit.fields.${field}`;
  return t.has(key as Parameters<ManageT["has"]>[0]) ? t(key as Parameters<ManageT>[0]) : field.replace(/_/g, " ");
}

/** What an entry changed, old → new, in words ("" when the action says it all). */
export function describeChange(entry: Pick<AuditEntry, "action" | "details">, t: ManageT, format: Format): string {
  const d = entry.details ?? {};
  const role = (v: unknown) => shown(t, format, v, "role");
  switch (entry.action) {
    case "settings": {
      const changes = Array.isArray(d.changes) ? (d.changes as { field: string; from: unknown; to: unknown }[]) : [];
      return changes
        .map((c) => {
          const as = c.field === "visibility" ? "visibility" : undefined;
          return t("audit.change.setting", { field: fieldName(t, c.field), from: shown(t, format, c.from, as), to: shown(t, format, c.to, as) });
        })
        .join("; ");
    }
    case "role":
      return d.from ? t("audit.change.role", { from: role(d.from), to: role(d.role) }) : t("audit.change.roleGiven", { to: role(d.role) });
    case "mute":
      return typeof d.duration_s === "number" ? t("audit.change.muteFor", { duration: formatDuration(t, format, d.duration_s) }) : t("audit.change.muteIndefinitely");
    case "invite_created":
      return typeof d.max_uses === "number"
        ? t("audit.change.inviteCreatedLimited", { role: role(d.role), max: d.max_uses })
        : t("audit.change.inviteCreated", { role: role(d.role) });
    case "invite_accepted":
      return t("audit.change.inviteAccepted", { role: role(d.role) });
    default:
      return "";
  }
}

function formatDuration(t: ManageT, format: Format, seconds: number): string {
  if (seconds % 86_400 === 0) return t("audit.units.days", { count: format.number(seconds / 86_400) });
  if (seconds % 3_600 === 0) return t("audit.units.hours", { count: format.number(seconds / 3_600) });
  if (seconds % 60 === 0) return t("audit.units.minutes", { count: format.number(seconds / 60) });
  return t("audit.units.seconds", { count: format.number(seconds) });
}
