"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "@/lib/api";
import { adminUsersQuery } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";
import { AdminSearch, AdminTable } from "./AdminTable";
import { Pager } from "./Pager";
import { useAdminList } from "./useAdminList";

/** Accounts: search, page, disable/enable, delete, reset link, site admin. */
export function UsersPanel({ selfId }: { selfId: string }) {
  const t = useTranslations("admin");
  const format = useFormatter();
  const { data, error, search, page, setPage, busy, act } = useAdminList(adminUsersQuery, t("users.loadFailed"));
  const [reset, setReset] = useState<{ user: string; url: string; expires_at: string } | null>(null);

  return (
    <div data-testid="admin-users">
      <AdminSearch label={t("users.search")} placeholder={t("users.searchPlaceholder")} testId="admin-users-search" {...search} />
      <ErrorLine message={error} testId="admin-users-error" />
      {reset && (
        <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="admin-reset-link">
          {t.rich("users.resetLink", { user: reset.user, time: format.dateTime(new Date(reset.expires_at), "time"), b: (chunks) => <strong>{chunks}</strong> })}{" "}
          <code className="break-all" data-testid="admin-reset-url">
            {reset.url}
          </code>
        </p>
      )}
      <AdminTable
        columns={[{ label: t("users.columns.user") }, { label: t("users.columns.status") }, { label: t("users.columns.joined") }, { label: t("actions"), align: "right" }]}
        empty={data && data.users.length === 0 ? t("users.empty") : null}
      >
          {data?.users.map((u) => (
            <tr key={u.id} data-testid="admin-user-row" data-username={u.username}>
              <td className="py-1.5 font-medium text-slate-800">
                {u.display_name ?? u.username}
                {u.display_name && <span className="ml-1 font-normal text-slate-600">@{u.username}</span>}
                {u.site_admin && <span className="ml-2 rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">{t("users.siteAdmin")}</span>}
              </td>
              <td className="py-1.5" data-testid="admin-user-status">
                {u.disabled ? <span className="text-rose-700">{t("users.disabled")}</span> : <span className="text-emerald-700">{t("users.active")}</span>}
              </td>
              <td className="py-1.5 text-slate-600" data-testid="admin-user-joined">
                <time dateTime={u.created_at}>{format.dateTime(new Date(u.created_at), "date")}</time>
              </td>
              <td className="space-x-1 py-1.5 text-right">
                {!u.site_admin &&
                  (u.disabled ? (
                    <button type="button" className={buttonClass} disabled={busy === u.id} data-testid="admin-user-enable" onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { disabled: false }))}>
                      {t("users.enable")}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className={dangerClass}
                      disabled={busy === u.id}
                      data-testid="admin-user-disable"
                      onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { disabled: true }), t("users.confirmDisable", { name: u.username }))}
                    >
                      {t("users.disable")}
                    </button>
                  ))}
                {!u.disabled && (
                  <button
                    type="button"
                    className={buttonClass}
                    disabled={busy === u.id || (u.site_admin && u.id === selfId)}
                    data-testid={u.site_admin ? "admin-user-revoke" : "admin-user-grant"}
                    onClick={() => void act(u.id, () => api.adminUpdateUser(u.id, { site_admin: !u.site_admin }), u.site_admin ? t("users.confirmRevoke", { name: u.username }) : t("users.confirmGrant", { name: u.username }))}
                  >
                    {u.site_admin ? t("users.revokeAdmin") : t("users.makeAdmin")}
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
                  {t("users.resetPassword")}
                </button>
                {!u.site_admin && u.id !== selfId && (
                  <button
                    type="button"
                    className={dangerClass}
                    disabled={busy === u.id}
                    data-testid="admin-user-delete"
                    onClick={() => void act(u.id, () => api.adminDeleteUser(u.id), t("users.confirmDelete", { name: u.username }))}
                  >
                    {t("users.delete")}
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
