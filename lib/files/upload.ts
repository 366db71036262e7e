/**
 * One file to `POST /api/rooms/:id/uploads` (docs/uploads.md). XMLHttpRequest rather than fetch:
 * only XHR reports upload progress in every browser, and `abort()` stops the body mid-flight.
 */
import { Attachment } from "@/protocol";
import { sentence } from "../api";

export interface UploadHandle {
  /** Resolves with the stored upload; rejects with UploadError (or an AbortError DOMException). */
  done: Promise<Attachment>;
  abort: () => void;
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's own words (English, may be empty): the UI words a refusal from status and code in other languages. */
    readonly detail = "",
  ) {
    super(message);
    this.name = "UploadError";
  }
}

/** What to tell the user when the server refused a file, in plain words. */
export function refusalText(status: number, code: string, message: string): string {
  const why = message ? sentence(message) : "";
  if (status === 413) return why ? `Too large: ${why}` : "Too large to upload.";
  if (status === 429) return why ? `Not now: ${why}` : "Too many uploads: wait a moment and try again.";
  if (status === 403) return why ? `Not allowed: ${why}` : "You may not share files in this room.";
  if (status === 0) return "Network error: check your connection and try again.";
  return why || `Upload failed (${code || status}).`;
}

export function uploadFile(roomId: string, file: Blob, name: string, opts: { durationMs?: number; onProgress?: (fraction: number) => void } = {}): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open("POST", `/api/rooms/${encodeURIComponent(roomId)}/uploads`);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // a proxy's error page: reported by status below
      }
      if (xhr.status === 201) {
        const parsed = Attachment.safeParse((data as { upload?: unknown } | null)?.upload);
        if (parsed.success) return resolve(parsed.data);
        return reject(new UploadError(xhr.status, "INTERNAL", "The server's answer was not understood."));
      }
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      reject(new UploadError(xhr.status, error?.code ?? "", refusalText(xhr.status, error?.code ?? "", error?.message ?? ""), error?.message ?? ""));
    };
    xhr.onerror = () => reject(new UploadError(0, "UNAVAILABLE", refusalText(0, "", "")));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    const form = new FormData();
    // Fields before the file: the server reads them as the body streams past.
    if (opts.durationMs !== undefined) form.append("duration_ms", String(Math.round(opts.durationMs)));
    form.append("file", file, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** The kind a message with these attachments is sent as. */
export function kindOf(attachments: readonly Attachment[]): "image" | "file" {
  return attachments.length > 0 && attachments.every(isImage) ? "image" : "file";
}

/** A raster image the server made a thumbnail for (or at least measured). */
export const isImage = (a: Attachment) => a.mime.startsWith("image/") && a.mime !== "image/svg+xml" && (a.thumb_url !== undefined || a.width !== undefined);
export const isAudio = (a: Attachment) => a.mime.startsWith("audio/");

export type ByteUnit = "byte" | "KB" | "MB" | "GB";

/**
 * A size in the largest unit under 1024 of it, and how many decimals to show: one below 10
 * ("1.4 MB"), none above ("320 KB"). The number is left to the reader's locale
 * (components/files/useFileText.ts); formatBytes spells it in English.
 */
export function byteSize(bytes: number): { value: number; unit: ByteUnit; decimals: 0 | 1 } {
  if (bytes < 1024) return { value: bytes, unit: "byte", decimals: 0 };
  const units = ["KB", "MB", "GB"] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return value < 10 ? { value, unit: units[unit]!, decimals: 1 } : { value: Math.round(value), unit: units[unit]!, decimals: 0 };
}

/** "1.4 MB", "320 KB", "12 bytes". */
export function formatBytes(bytes: number): string {
  const { value, unit, decimals } = byteSize(bytes);
  if (unit === "byte") return `${value} byte${value === 1 ? "" : "s"}`;
  return `${value.toFixed(decimals)} ${unit}`;
}

/** "0:07", "1:23". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
