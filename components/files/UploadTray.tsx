"use client";
import { useTranslations } from "next-intl";
import { useFileText } from "./useFileText";
import type { Uploads } from "./useUploads";

/** The files waiting to go with the next message, above the composer. */
export function UploadTray({ uploads }: { uploads: Uploads }) {
  const t = useTranslations("files.tray");
  const { bytes } = useFileText();
  if (uploads.items.length === 0 && !uploads.notice) return null;
  return (
    <div data-testid="upload-tray" className="mb-2 flex flex-col gap-1.5">
      {uploads.notice && (
        <p role="status" data-testid="upload-tray-notice" className="text-xs text-amber-800">
          {uploads.notice}
        </p>
      )}
      <ul className="flex flex-wrap gap-2">
        {uploads.items.map((item) => (
          <li
            key={item.key}
            data-testid="upload-item"
            data-state={item.state}
            data-name={item.name}
            className="flex w-64 items-center gap-2 rounded-md border border-slate-200 bg-slate-50 px-2 py-1.5 text-xs text-slate-700"
          >
            {item.preview ? (
              // eslint-disable-next-line @next/next/no-img-element -- a local object URL, nothing to optimize
              <img src={item.preview} alt="" className="h-9 w-9 shrink-0 rounded object-cover" />
            ) : (
              <span aria-hidden className="flex h-9 w-9 shrink-0 items-center justify-center rounded bg-slate-200 text-base">
                📄
              </span>
            )}
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-800" title={item.name}>
                {item.name}
              </p>
              {item.state === "error" ? (
                <p role="alert" data-testid="upload-error" className="text-rose-700">
                  {item.error}
                </p>
              ) : item.state === "uploading" ? (
                <div
                  role="progressbar"
                  data-testid="upload-progress"
                  aria-label={t("uploading", { name: item.name })}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(item.progress * 100)}
                  className="mt-1 h-1.5 overflow-hidden rounded bg-slate-200"
                >
                  <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${Math.round(item.progress * 100)}%` }} />
                </div>
              ) : (
                <p data-testid="upload-size" className="text-slate-600">{t("ready", { size: bytes(item.upload?.size ?? item.size) })}</p>
              )}
            </div>
            <button
              type="button"
              data-testid="upload-cancel"
              onClick={() => uploads.remove(item.key)}
              aria-label={item.state === "uploading" ? t("cancel", { name: item.name }) : t("remove", { name: item.name })}
              className="rounded px-1 text-slate-600 hover:bg-slate-200"
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
