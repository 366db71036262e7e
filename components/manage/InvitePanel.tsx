"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNow } from "@/hooks/usePresence";
import { useCreateInvite, useRevokeInvite } from "@/hooks/useRoomAdmin";
import { errorMessage } from "@/lib/api";
import { formatFull } from "@/lib/format";
import { invitesQuery } from "@/lib/queries";
import { grantableRoles, type Viewer } from "@/lib/roles";
import { buttonClass, dangerClass, ErrorLine, inputClass, primaryClass, Section } from "./ui";

const EXPIRIES = [
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
] as const;

/** Invitation links: create (expiry, max uses, role), copy, list with their state, revoke. */
export function InvitePanel({ roomId, viewer }: { roomId: string; viewer: Viewer }) {
  const roles = grantableRoles(viewer);
  const [expires, setExpires] = useState<number>(EXPIRIES[2].seconds);
  const [maxUses, setMaxUses] = useState("");
  const [role, setRole] = useState<string>(roles.includes("member") ? "member" : (roles[0] ?? "guest"));
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const query = useQuery(invitesQuery(roomId));
  const createInvite = useCreateInvite(roomId);
  const revokeInvite = useRevokeInvite(roomId);
  const invites = query.data;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errorMessage(query.error, "Could not load invitations.") : null);
  const [busy, setBusy] = useState(false);
  const now = useNow(10_000);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    const uses = maxUses.trim() ? Number(maxUses) : null;
    if (uses !== null && (!Number.isInteger(uses) || uses < 1)) {
      setError("Max uses must be a whole number of at least 1 (or empty for unlimited).");
      return;
    }
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const invite = await createInvite.mutateAsync({ expires_in_s: expires, max_uses: uses, role });
      setCreated(invite.url);
    } catch (err) {
      setError(errorMessage(err, "Could not create the invitation."));
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
      setError("Could not copy: select the link and copy it yourself.");
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await revokeInvite.mutateAsync(id);
    } catch (err) {
      setError(errorMessage(err, "Could not revoke the invitation."));
    }
  }

  return (
    <Section title="Invitations" testId="manage-invites">
      <form onSubmit={create} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 p-3" noValidate>
        <label className="text-xs font-medium text-slate-600">
          Expires after
          <select data-testid="invite-expires" value={expires} onChange={(e) => setExpires(Number(e.target.value))} className={`${inputClass} mt-1 block`}>
            {EXPIRIES.map((x) => (
              <option key={x.seconds} value={x.seconds}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          Max uses
          <input
            data-testid="invite-max-uses"
            value={maxUses}
            inputMode="numeric"
            onChange={(e) => setMaxUses(e.target.value)}
            placeholder="Unlimited"
            className={`${inputClass} mt-1 block w-24`}
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Role
          <select data-testid="invite-role" value={role} onChange={(e) => setRole(e.target.value)} className={`${inputClass} mt-1 block`}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="invite-create" disabled={busy} className={primaryClass}>
          {busy ? "Creating…" : "Create link"}
        </button>
      </form>
      {created && (
        <div className="mt-2 flex items-center gap-2 rounded-md bg-emerald-50 px-3 py-2 text-sm">
          <input data-testid="invite-url" readOnly value={created} onFocus={(e) => e.target.select()} aria-label="Invitation link" className="min-w-0 flex-1 bg-transparent font-mono text-xs text-emerald-900 focus:outline-none" />
          <button type="button" data-testid="invite-copy" onClick={() => void copy()} className={buttonClass}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      )}
      <ErrorLine message={error} testId="invite-error" />
      {invites && invites.length > 0 && (
        <table className="mt-3 w-full text-left text-sm" data-testid="invite-list">
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="py-1 font-medium">Role</th>
              <th className="py-1 font-medium">Uses</th>
              <th className="py-1 font-medium">Expires</th>
              <th className="py-1 font-medium">State</th>
              <th />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {invites.map((i) => {
              const expired = Date.parse(i.expires_at) <= now;
              const usedUp = i.max_uses !== null && i.uses >= i.max_uses;
              const state = i.revoked ? "revoked" : expired ? "expired" : usedUp ? "used up" : "active";
              return (
                <tr key={i.id} data-testid="invite-row" data-state={state}>
                  <td className="py-1.5">{i.role}</td>
                  <td className="py-1.5">
                    {i.uses}
                    {i.max_uses !== null ? ` / ${i.max_uses}` : ""}
                  </td>
                  <td className="py-1.5">{formatFull(i.expires_at)}</td>
                  <td className="py-1.5" data-testid="invite-state">
                    {state}
                  </td>
                  <td className="py-1.5 text-right">
                    {state === "active" && (
                      <button type="button" data-testid="invite-revoke" onClick={() => void revoke(i.id)} className={dangerClass}>
                        Revoke
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
