"use client";
import { api } from "@/lib/api";
import { adminRoomsQuery } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";
import { AdminSearch, AdminTable } from "./AdminTable";
import { Pager } from "./Pager";
import { useAdminList } from "./useAdminList";

/** Rooms with member and message counts: archive (read-only), unarchive, delete. */
export function RoomsPanel() {
  const { data, error, search, page, setPage, busy, act } = useAdminList(adminRoomsQuery, "Could not load rooms.");

  return (
    <div data-testid="admin-rooms">
      <AdminSearch label="Search rooms" placeholder="Search by name" testId="admin-rooms-search" {...search} />
      <ErrorLine message={error} testId="admin-rooms-error" />
      <AdminTable columns={[{ label: "Room" }, { label: "Kind" }, { label: "Members", align: "right" }, { label: "Messages", align: "right" }, { label: "Actions", align: "right" }]} empty={data && data.rooms.length === 0 ? "No rooms match." : null}>
          {data?.rooms.map((r) => (
            <tr key={r.id} data-testid="admin-room-row" data-room={r.name}>
              <td className="py-1.5 font-medium text-slate-800">
                {r.name}
                {r.archived_at && <span className="ml-2 rounded bg-slate-200 px-1.5 text-xs text-slate-700">archived</span>}
              </td>
              <td className="py-1.5 text-slate-600">{r.visibility}</td>
              <td className="py-1.5 text-right tabular-nums" data-testid="admin-room-members">
                {r.members}
              </td>
              <td className="py-1.5 text-right tabular-nums" data-testid="admin-room-messages">
                {r.messages}
              </td>
              <td className="space-x-1 py-1.5 text-right">
                <button
                  type="button"
                  className={buttonClass}
                  disabled={busy === r.id}
                  data-testid={r.archived_at ? "admin-room-unarchive" : "admin-room-archive"}
                  onClick={() => void act(r.id, () => api.adminArchiveRoom(r.id, !r.archived_at), r.archived_at ? undefined : `Archive ${r.name}? It becomes read-only.`)}
                >
                  {r.archived_at ? "Unarchive" : "Archive"}
                </button>
                <button
                  type="button"
                  className={dangerClass}
                  disabled={busy === r.id}
                  data-testid="admin-room-delete"
                  onClick={() => void act(r.id, () => api.adminDeleteRoom(r.id), `Delete ${r.name} and all of its messages? This cannot be undone.`)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
      </AdminTable>
      {data && <Pager page={page} total={data.total} limit={data.limit} onPage={setPage} testId="admin-rooms-pager" />}
    </div>
  );
}
