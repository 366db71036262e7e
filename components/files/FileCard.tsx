"use client";
import { useTranslations } from "next-intl";
import type { Attachment } from "@/protocol";
import { formatDuration } from "@/lib/files/upload";
import { useFileText } from "./useFileText";

function icon(mime: string): string {
  if (mime === "application/pdf") return "📕";
  if (mime.startsWith("image/")) return "🖼️";
  if (mime.startsWith("video/")) return "🎞️";
  if (mime.startsWith("audio/")) return "🎵";
  if (mime.startsWith("text/")) return "📝";
  if (/zip|compressed|tar|gzip|7z|rar/.test(mime)) return "🗜️";
  return "📄";
}

/** A file that is not shown inline: what it is, how big, and a download link. */
export function FileCard({ file }: { file: Attachment }) {
  const t = useTranslations("files.card");
  const { bytes } = useFileText();
  return (
    <div data-testid="file-card" data-name={file.name} className="flex w-72 max-w-full items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2">
      <span aria-hidden className="text-2xl">
        {icon(file.mime)}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-slate-800" title={file.name}>
          {file.name}
        </p>
        <p data-testid="file-size" className="text-xs text-slate-600">{bytes(file.size)}</p>
      </div>
      <a
        href={file.url}
        download={file.name}
        data-testid="file-download"
        aria-label={t("downloadNamed", { name: file.name })}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
      >
        {t("download")}
      </a>
    </div>
  );
}

/** A voice note or audio file: the browser's player, seekable (the server answers Range requests). */
export function AudioAttachment({ file, voice }: { file: Attachment; voice: boolean }) {
  const t = useTranslations("files.card");
  return (
    <div data-testid="audio-attachment" data-duration-ms={file.duration_ms} className="flex w-80 max-w-full flex-col gap-1 rounded-lg border border-slate-200 bg-white px-3 py-2">
      <div className="flex items-center gap-2 text-xs text-slate-600">
        <span aria-hidden>{voice ? "🎤" : "🎵"}</span>
        <span className="min-w-0 flex-1 truncate">{voice ? t("voiceMessage") : file.name}</span>
        {file.duration_ms !== undefined && <span data-testid="audio-duration">{formatDuration(file.duration_ms)}</span>}
        <a href={file.url} download={file.name} className="underline hover:text-slate-800" aria-label={t("downloadNamed", { name: file.name })}>
          {t("download")}
        </a>
      </div>
      <audio src={file.url} controls preload="metadata" className="h-8 w-full" aria-label={voice ? t("voiceMessage") : file.name} />
    </div>
  );
}
