"use client";
import { useFormatter, useTranslations } from "next-intl";
import { api } from "@/lib/api";
import { adminRoomsQuery } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";
import { AdminSearch, AdminTable } from "./AdminTable";
import { Pager } from "./Pager";
import { useAdminList } from "./useAdminList";

/** Rooms with member and message counts: archive (read-only), unarchive, delete. */
export function RoomsPanel() {
  const t = useTranslations("admin");
  const format = useFormatter();
  const { data, error, search, page, setPage, busy, act } = useAdminList(adminRoomsQuery, t("rooms.loadFailed"));

  return (
    <div data-testid="admin-rooms">
      <AdminSearch label={t("rooms.search")} placeholder={t("rooms.searchPlaceholder")} testId="admin-rooms-search" {...search} />
      <ErrorLine message={error} testId="admin-rooms-error" />
      <AdminTable
        columns={[
          { label: t("rooms.columns.room") },
          { label: t("rooms.columns.kind") },
          { label: t("rooms.columns.members"), align: "right" },
          { label: t("rooms.columns.messages"), align: "right" },
          { label: t("actions"), align: "right" },
        ]}
        empty={data && data.rooms.length === 0 ? t("rooms.empty") : null}
      >
          {data?.rooms.map((r) => (
            <tr key={r.id} data-testid="admin-room-row" data-room={r.name}>
              <td className="py-1.5 font-medium text-slate-800">
                {r.name}
                {r.archived_at && <span className="ml-2 rounded bg-slate-200 px-1.5 text-xs text-slate-700">{t("rooms.archived")}</span>}
              </td>
              <td className="py-1.5 text-slate-600">{t(`rooms.kinds.${r.visibility}`)}</td>
              <td className="py-1.5 text-right tabular-nums" data-testid="admin-room-members">
                {format.number(r.members)}
              </td>
              <td className="py-1.5 text-right tabular-nums" data-testid="admin-room-messages">
                {format.number(r.messages)}
              </td>
              <td className="space-x-1 py-1.5 text-right">
                <button
                  type="button"
                  className={buttonClass}
                  disabled={busy === r.id}
                  data-testid={r.archived_at ? "admin-room-unarchive" : "admin-room-archive"}
                  onClick={() => void act(r.id, () => api.adminArchiveRoom(r.id, !r.archived_at), r.archived_at ? undefined : t("rooms.confirmArchive", { name: r.name }))}
                >
                  {r.archived_at ? t("rooms.unarchive") : t("rooms.archive")}
                </button>
                <button
                  type="button"
                  className={dangerClass}
                  disabled={busy === r.id}
                  data-testid="admin-room-delete"
                  onClick={() => void act(r.id, () => api.adminDeleteRoom(r.id), t("rooms.confirmDelete", { name: r.name }))}
                >
                  {t("rooms.delete")}
                </button>
              </td>
            </tr>
          ))}
      </AdminTable>
      {data && <Pager page={page} total={data.total} limit={data.limit} onPage={setPage} testId="admin-rooms-pager" />}
    </div>
  );
}
