"use client";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorMessage } from "@/hooks/useErrorMessage";
import { useNow } from "@/hooks/usePresence";
import { useCreateInvite, useRevokeInvite } from "@/hooks/useRoomAdmin";
import { invitesQuery } from "@/lib/queries";
import { grantableRoles, isRole, type Viewer } from "@/lib/roles";
import { buttonClass, dangerClass, durationLabel, ErrorLine, inputClass, primaryClass, Section } from "./ui";

/** Link lifetimes offered, in seconds. */
const EXPIRIES = [3600, 86_400, 7 * 86_400, 30 * 86_400] as const;
/** An invitation's state: `data-state` carries the key, people read its translation. */
const STATE_KEYS = { active: "active", expired: "expired", "used up": "usedUp", revoked: "revoked" } as const;

/** Invitation links: create (expiry, max uses, role), copy, list with their state, revoke. */
export function InvitePanel({ roomId, viewer }: { roomId: string; viewer: Viewer }) {
  const t = useTranslations("manage");
  const format = useFormatter();
  const errorMessage = useErrorMessage();
  const roles = grantableRoles(viewer);
  const [expires, setExpires] = useState<number>(EXPIRIES[2]);
  const [maxUses, setMaxUses] = useState("");
  const [role, setRole] = useState<string>(roles.includes("member") ? "member" : (roles[0] ?? "guest"));
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const query = useQuery(invitesQuery(roomId));
  const createInvite = useCreateInvite(roomId);
  const revokeInvite = useRevokeInvite(roomId);
  const invites = query.data;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errorMessage(query.error, t("invites.loadFailed")) : null);
  const [busy, setBusy] = useState(false);
  const now = useNow(10_000);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    const uses = maxUses.trim() ? Number(maxUses) : null;
    if (uses !== null && (!Number.isInteger(uses) || uses < 1)) {
      setError(t("invites.maxUsesInvalid"));
      return;
    }
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const invite = await createInvite.mutateAsync({ expires_in_s: expires, max_uses: uses, role });
      setCreated(invite.url);
    } catch (err) {
      setError(errorMessage(err, t("invites.createFailed")));
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created);
      setCopied(true);
    } catch {
      setError(t("invites.copyFailed"));
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await revokeInvite.mutateAsync(id);
    } catch (err) {
      setError(errorMessage(err, t("invites.revokeFailed")));
    }
  }

  return (
    <Section title={t("invites.title")} testId="manage-invites">
      <form onSubmit={create} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 p-3" noValidate>
        <label className="text-xs font-medium text-slate-600">
          {t("invites.expiresAfter")}
          <select data-testid="invite-expires" value={expires} onChange={(e) => setExpires(Number(e.target.value))} className={`${inputClass} mt-1 block`}>
            {EXPIRIES.map((seconds) => (
              <option key={seconds} value={seconds}>
                {durationLabel(t, seconds)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("invites.maxUses")}
          <input
            data-testid="invite-max-uses"
            value={maxUses}
            inputMode="numeric"
            onChange={(e) => setMaxUses(e.target.value)}
            placeholder={t("invites.unlimited")}
            className={`${inputClass} mt-1 block w-24`}
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("invites.role")}
          <select data-testid="invite-role" value={role} onChange={(e) => setRole(e.target.value)} className={`${inputClass} mt-1 block`}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="invite-create" disabled={busy} className={primaryClass}>
          {busy ? t("invites.creating") : t("invites.create")}
        </button>
      </form>
      {created && (
        <div className="mt-2 flex items-center gap-2 rounded-md bg-emerald-50 px-3 py-2 text-sm">
          <input data-testid="invite-url" readOnly value={created} onFocus={(e) => e.target.select()} aria-label={t("invites.link")} className="min-w-0 flex-1 bg-transparent font-mono text-xs text-emerald-900 focus:outline-none" />
          <button type="button" data-testid="invite-copy" onClick={() => void copy()} className={buttonClass}>
            {copied ? t("invites.copied") : t("invites.copy")}
          </button>
        </div>
      )}
      <ErrorLine message={error} testId="invite-error" />
      {invites && invites.length > 0 && (
        <table className="mt-3 w-full text-left text-sm" data-testid="invite-list">
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="py-1 font-medium">{t("invites.columns.role")}</th>
              <th className="py-1 font-medium">{t("invites.columns.uses")}</th>
              <th className="py-1 font-medium">{t("invites.columns.expires")}</th>
              <th className="py-1 font-medium">{t("invites.columns.state")}</th>
              <th className="py-1">
                <span className="sr-only">{t("invites.columns.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {invites.map((i) => {
              const expired = Date.parse(i.expires_at) <= now;
              const usedUp = i.max_uses !== null && i.uses >= i.max_uses;
              const state: keyof typeof STATE_KEYS = i.revoked ? "revoked" : expired ? "expired" : usedUp ? "used up" : "active";
              return (
                <tr key={i.id} data-testid="invite-row" data-state={state}>
                  <td className="py-1.5">{isRole(i.role) ? t(`roles.${i.role}`) : i.role}</td>
                  <td className="py-1.5">
                    {format.number(i.uses)}
                    {i.max_uses !== null ? ` / ${format.number(i.max_uses)}` : ""}
                  </td>
                  <td className="py-1.5">{format.dateTime(new Date(i.expires_at), "full")}</td>
                  <td className="py-1.5" data-testid="invite-state">
                    {t(`invites.states.${STATE_KEYS[state]}`)}
                  </td>
                  <td className="py-1.5 text-right">
                    {state === "active" && (
                      <button type="button" data-testid="invite-revoke" onClick={() => void revoke(i.id)} className={dangerClass}>
                        {t("invites.revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}
