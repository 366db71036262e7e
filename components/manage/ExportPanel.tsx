"use client";
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "@/lib/api";
import { formatFull } from "@/lib/format";
import type { RoomExport } from "@/protocol/rest";
import { ErrorLine, primaryClass, Section } from "./ui";

const POLL_MS = 1_000;
const active = (e: RoomExport | null) => e?.status === "queued" || e?.status === "running";

/**
 * Room export (admins): starts an export job, shows its progress while it runs (polling its
 * status), then links to the two files until the link expires. Failures are shown as the
 * server reported them.
 */
export function ExportPanel({ roomId }: { roomId: string }) {
  const [current, setCurrent] = useState<RoomExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .listExports(roomId)
      .then(({ exports }) => setCurrent(exports[0] ?? null))
      .catch((err: unknown) => setError(errorMessage(err, "Could not load exports.")));
  }, [roomId]);
  useEffect(load, [load]);

  const exportId = current?.id;
  const running = active(current);
  useEffect(() => {
    if (!exportId || !running) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      api
        .getExport(roomId, exportId, controller.signal)
        .then(({ export: e }) => setCurrent(e))
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setError(errorMessage(err, "Could not check the export's progress."));
        });
    }, POLL_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [roomId, exportId, running]);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      setCurrent((await api.startExport(roomId)).export);
    } catch (err) {
      setError(errorMessage(err, "Could not start the export."));
    } finally {
      setBusy(false);
    }
  }

  const percent = Math.round((current?.progress ?? 0) * 100);
  return (
    <Section title="Export" testId="manage-export">
      <div className="space-y-3 rounded-lg border border-slate-200 p-3">
        <p className="text-sm text-slate-600">
          Download the room&apos;s history (private messages excluded) as a readable HTML transcript and as JSON lines. Anyone who can read the room may use the links until
          they expire.
        </p>
        <button type="button" className={primaryClass} onClick={start} disabled={busy || running} data-testid="export-start">
          {running ? "Exporting…" : "Export room"}
        </button>
        {current && running && (
          <div data-testid="export-progress">
            <div
              role="progressbar"
              aria-label="Export progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-2 w-full overflow-hidden rounded bg-slate-200"
            >
              <div className="h-full bg-indigo-600 transition-all" style={{ width: `${percent}%` }} />
            </div>
            <p className="mt-1 text-xs text-slate-500">
              {current.status === "queued" ? "Waiting for a worker…" : `${percent}%`}
              {current.error ? ` — ${current.error}` : ""}
            </p>
          </div>
        )}
        {current?.status === "done" && current.url && current.html_url && (
          <div className="space-y-1 text-sm" data-testid="export-ready">
            <p className="flex flex-wrap gap-4">
              <a href={current.html_url} download className="font-medium text-indigo-600 hover:underline" data-testid="export-download-html">
                Download transcript (HTML)
              </a>
              <a href={current.url} download className="font-medium text-indigo-600 hover:underline" data-testid="export-download-jsonl">
                Download messages (JSON lines)
              </a>
            </p>
            <p className="text-xs text-slate-500">Links expire {formatFull(current.expires_at)}.</p>
          </div>
        )}
        {current?.status === "expired" && <p className="text-xs text-slate-500">The last export&apos;s links have expired; export again for fresh ones.</p>}
        {current?.status === "failed" && <ErrorLine message={current.error ?? "The export failed."} testId="export-failed" />}
        <ErrorLine message={error} testId="export-error" />
      </div>
    </Section>
  );
}
