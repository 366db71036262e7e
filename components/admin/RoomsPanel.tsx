"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage, type AdminRoom } from "@/lib/api";
import { adminRoomsQuery, queryKeys } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine, inputClass } from "@/components/manage/ui";
import { Pager } from "./Pager";

/** Rooms with member and message counts: archive (read-only), unarchive, delete. */
export function RoomsPanel() {
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  // The previous page stays on screen while the next one (or a new search) loads.
  const query = useQuery(adminRoomsQuery(q.trim(), page));
  const data = query.data;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errorMessage(query.error, "Could not load rooms.") : null);
  const [busy, setBusy] = useState<string | null>(null);


  const act = async (room: AdminRoom, what: () => Promise<unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(room.id);
    setError(null);
    try {
      await what();
      // Users, rooms, the audit and activity may all show what changed.
      void queryClient.invalidateQueries({ queryKey: queryKeys.admin });
    } catch (err) {
      setError(errorMessage(err, "That did not work."));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="admin-rooms">
      <input
        type="search"
        aria-label="Search rooms"
        placeholder="Search by name"
        data-testid="admin-rooms-search"
        className={`${inputClass} w-64`}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setPage(1);
        }}
      />
      <ErrorLine message={error} testId="admin-rooms-error" />
      <table className="mt-3 w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1 font-medium">Room</th>
            <th className="py-1 font-medium">Kind</th>
            <th className="py-1 text-right font-medium">Members</th>
            <th className="py-1 text-right font-medium">Messages</th>
            <th className="py-1 text-right font-medium">Actions</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {data?.rooms.map((r) => (
            <tr key={r.id} data-testid="admin-room-row" data-room={r.name}>
              <td className="py-1.5 font-medium text-slate-800">
                {r.name}
                {r.archived_at && <span className="ml-2 rounded bg-slate-200 px-1.5 text-xs text-slate-700">archived</span>}
              </td>
              <td className="py-1.5 text-slate-500">{r.visibility}</td>
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
                  onClick={() => void act(r, () => api.adminArchiveRoom(r.id, !r.archived_at), r.archived_at ? undefined : `Archive ${r.name}? It becomes read-only.`)}
                >
                  {r.archived_at ? "Unarchive" : "Archive"}
                </button>
                <button
                  type="button"
                  className={dangerClass}
                  disabled={busy === r.id}
                  data-testid="admin-room-delete"
                  onClick={() => void act(r, () => api.adminDeleteRoom(r.id), `Delete ${r.name} and all of its messages? This cannot be undone.`)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.rooms.length === 0 && <p className="mt-2 text-sm text-slate-500">No rooms match.</p>}
      {data && <Pager page={page} total={data.total} limit={data.limit} onPage={setPage} testId="admin-rooms-pager" />}
    </div>
  );
}
