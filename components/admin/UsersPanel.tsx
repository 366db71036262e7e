"use client";
import { useState } from "react";
import { api } from "@/lib/api";
import { adminUsersQuery } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";
import { AdminSearch, AdminTable } from "./AdminTable";
import { Pager } from "./Pager";
import { useAdminList } from "./useAdminList";

/** Accounts: search, page, disable/enable, delete, reset link, site admin. */
export function UsersPanel({ selfId }: { selfId: string }) {
  const { data, error, search, page, setPage, busy, act } = useAdminList(adminUsersQuery, "Could not load users.");
  const [reset, setReset] = useState<{ user: string; url: string; expires_at: string } | null>(null);

  return (
    <div data-testid="admin-users">
      <AdminSearch label="Search users" placeholder="Search by username or display name" testId="admin-users-search" {...search} />
      <ErrorLine message={error} testId="admin-users-error" />
      {reset && (
        <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="admin-reset-link">
          One-time link for <strong>{reset.user}</strong> (valid until {new Date(reset.expires_at).toLocaleTimeString()}), shown once:{" "}
          <code className="break-all" data-testid="admin-reset-url">
            {reset.url}
          </code>
        </p>
      )}
      <AdminTable columns={[{ label: "User" }, { label: "Status" }, { label: "Joined" }, { label: "Actions", align: "right" }]} empty={data && data.users.length === 0 ? "No users match." : null}>
          {data?.users.map((u) => (
            <tr key={u.id} data-testid="admin-user-row" data-username={u.username}>
              <td className="py-1.5 font-medium text-slate-800">
                {u.display_name ?? u.username}
                {u.display_name && <span className="ml-1 font-normal text-slate-600">@{u.username}</span>}
                {u.site_admin && <span className="ml-2 rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">site admin</span>}
              </td>
              <td className="py-1.5" data-testid="admin-user-status">
                {u.disabled ? <span className="text-rose-700">disabled</span> : <span className="text-emerald-700">active</span>}
              </td>
              <td className="py-1.5 text-slate-600">{u.created_at.slice(0, 10)}</td>
              <td className="space-x-1 py-1.5 text-right">
                {!u.site_admin &&
                  (u.disabled ? (
                    <button type="button" className={buttonClass} disabled={busy === u.id} data-testid="admin-user-enable" onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { disabled: false }))}>
                      Enable
                    </button>
                  ) : (
                    <button
                      type="button"
                      className={dangerClass}
                      disabled={busy === u.id}
                      data-testid="admin-user-disable"
                      onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { disabled: true }), `Disable ${u.username}? They are signed out everywhere at once.`)}
                    >
                      Disable
                    </button>
                  ))}
                {!u.disabled && (
                  <button
                    type="button"
                    className={buttonClass}
                    disabled={busy === u.id || (u.site_admin && u.id === selfId)}
                    data-testid={u.site_admin ? "admin-user-revoke" : "admin-user-grant"}
                    onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { site_admin: !u.site_admin }), u.site_admin ? `Revoke site admin from ${u.username}?` : `Make ${u.username} a site admin?`)}
                  >
                    {u.site_admin ? "Revoke admin" : "Make admin"}
                  </button>
                )}
                <button
                  type="button"
                  className={buttonClass}
                  disabled={busy === u.id}
                  data-testid="admin-user-reset"
                  onClick={() =>
                    void act(u.id, async () => {
                      const link = await api.adminResetLink(u.id);
                      setReset({ user: u.username, ...link });
                    })
                  }
                >
                  Reset password
                </button>
                {!u.site_admin && u.id !== selfId && (
                  <button
                    type="button"
                    className={dangerClass}
                    disabled={busy === u.id}
                    data-testid="admin-user-delete"
                    onClick={() => void act(u.id, () => api.adminDeleteUser(u.id), `Delete ${u.username}? Their messages stay, shown as from "deleted user". This cannot be undone.`)}
                  >
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
      </AdminTable>
      {data && <Pager page={page} total={data.total} limit={data.limit} onPage={setPage} testId="admin-users-pager" />}
    </div>
  );
}
