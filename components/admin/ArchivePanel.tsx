"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage } from "@/lib/api";
import { archiveQuery, queryKeys } from "@/lib/queries";
import { buttonClass, dangerClass, ErrorLine } from "@/components/manage/ui";

/**
 * The compliance archive switch: whether every message, edit and delete is being archived,
 * what has been written, and where (files stay on the server's disk; nothing is served here).
 */
export function ArchivePanel() {
  const queryClient = useQueryClient();
  const query = useQuery(archiveQuery);
  const status = query.data ?? null;
  const mutation = useMutation({
    mutationFn: (enabled: boolean) => api.setArchive(enabled),
    onSuccess: (next) => {
      queryClient.setQueryData(queryKeys.archive, next);
      // The change is audited: the Audit section refreshes.
      void queryClient.invalidateQueries({ queryKey: queryKeys.siteAudit });
    },
  });
  const busy = mutation.isPending;
  const error = mutation.error ? errorMessage(mutation.error, "That did not work.") : query.error ? errorMessage(query.error, "Could not load the archive's state.") : null;

  const toggle = (enabled: boolean) => {
    const text = enabled
      ? "Turn the compliance archive on? Every message, edit and delete will be written to the archive, and retention waits for it."
      : "Turn the compliance archive off? Messages sent from now on are not archived; what was sent while it was on is still written.";
    if (!window.confirm(text)) return;
    mutation.mutate(enabled);
  };

  return (
    <section data-testid="admin-archive" aria-label="Compliance archive" className="space-y-3">
      <ErrorLine message={error} testId="admin-archive-error" />
      {status && (
        <>
          <div className="flex items-center gap-3">
            <span
              data-testid="archive-state"
              data-enabled={status.enabled ? "true" : "false"}
              className={`rounded px-2 py-0.5 text-sm font-medium ${status.enabled ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-700"}`}
            >
              {status.enabled ? "On" : "Off"}
            </span>
            <span className="text-sm text-slate-600">
              {status.source === "environment"
                ? "Set by the server's ARCHIVE_ENABLED (no site admin has changed it)."
                : `Changed ${status.updated_at ? new Date(status.updated_at).toLocaleString() : ""}${status.updated_by ? ` by ${status.updated_by.username}` : ""}.`}
            </span>
            <button
              type="button"
              data-testid="archive-toggle"
              disabled={busy}
              onClick={() => toggle(!status.enabled)}
              className={status.enabled ? dangerClass : buttonClass}
            >
              {status.enabled ? "Turn off" : "Turn on"}
            </button>
          </div>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-600">Last run</dt>
            <dd data-testid="archive-last-run">
              {status.last_run ? `${new Date(status.last_run.at).toLocaleString()} (${status.last_run.records} records)` : "never"}
            </dd>
            <dt className="text-slate-600">Files</dt>
            <dd data-testid="archive-files">{status.files}</dd>
            <dt className="text-slate-600">Directory</dt>
            <dd className="font-mono text-xs">{status.directory}</dd>
            <dt className="text-slate-600">Manifest</dt>
            <dd data-testid="archive-manifest" className="font-mono text-xs">
              {status.manifest_path}
            </dd>
          </dl>
          <p className="text-xs text-slate-600">The files are on the server&apos;s disk (gzipped JSON lines per room per day, checksums in the manifest); they are not downloadable here.</p>
        </>
      )}
    </section>
  );
}
