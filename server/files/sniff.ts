/**
 * What an upload is, decided from its bytes (file-type's magic numbers, then a look at text),
 * never from the client's Content-Type or file name; and the name made safe to show and to
 * put in a Content-Disposition header.
 */
import { fileTypeFromBuffer } from "file-type";

/** Bytes read from the start of an upload for sniffing. */
export const SNIFF_BYTES = 8192;

/** Raster images a browser shows inline and sharp thumbnails (SVG is not raster: scripts). */
export const RASTER_IMAGES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"]);

/** Served inline (everything else is an attachment): raster images, audio and video. */
export const isInlineType = (mime: string) => RASTER_IMAGES.has(mime) || mime.startsWith("audio/") || mime.startsWith("video/");

const HTML_MARKERS = /<(!doctype\s+html|html|head|body|script|iframe|frame|object|embed|meta|style|link|img|svg|form|a|div|title|base)[\s/>]/i;

/** The MIME type of `head` (the first SNIFF_BYTES of a file). */
export async function sniffMime(head: Uint8Array): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  const text = asText(head);
  if (detected && !(detected.mime === "application/xml" && text !== null)) return detected.mime;
  if (text === null) return detected?.mime ?? "application/octet-stream";
  const start = text.replace(/^\uFEFF/, "").trimStart().slice(0, 2048);
  // Markup is named for what a browser would make of it; it is never served inline, so the
  // type only tells the downloader what they get.
  if (/<svg[\s>]/i.test(start) && /^(<\?xml|<!doctype\s+svg|<svg|<!--)/i.test(start)) return "image/svg+xml";
  if (HTML_MARKERS.test(start)) return "text/html";
  if (/^<\?xml/i.test(start)) return "application/xml";
  return "text/plain";
}

/** `head` decoded as UTF-8 text, or null when it is binary (NUL bytes or invalid UTF-8). */
function asText(head: Uint8Array): string | null {
  if (head.includes(0)) return null;
  try {
    // `stream: true` tolerates a multi-byte character cut off at the end of the sniffed prefix.
    return new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

/** The Content-Type header for a stored MIME type (text says its charset). */
export const contentTypeOf = (mime: string) => (mime.startsWith("text/") ? `${mime}; charset=utf-8` : mime);

const MAX_NAME_CHARS = 200;

/**
 * A file name safe to display and to send back: no directories, no control, bidi-override or
 * zero-width characters (which disguise extensions), no characters Windows refuses, no leading
 * dots, at most MAX_NAME_CHARS characters with the extension kept.
 */
export function sanitizeName(raw: string | undefined): string {
  let name = (raw ?? "").normalize("NFC");
  name = name.split(/[\\/]/).pop() ?? "";
  name = name
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|\p{Cs}/gu, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "");
  const chars = Array.from(name);
  if (chars.length > MAX_NAME_CHARS) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = chars.slice(0, MAX_NAME_CHARS - Array.from(ext).length).join("").trimEnd() + ext;
  }
  return name || "file";
}

/** `Content-Disposition` with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(type: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
