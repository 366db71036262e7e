/** Upload helpers for tests: multipart POSTs with fetch, and small real images made by sharp. */
import sharp from "sharp";
import type { Attachment } from "@/protocol";

export async function upload(
  base: string,
  token: string,
  room: string,
  bytes: Uint8Array,
  filename = "file.bin",
  opts: { type?: string; fields?: Record<string, string> } = {},
): Promise<{ status: number; body: { upload?: Attachment; error?: { code: string; message: string } } }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(opts.fields ?? {})) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: opts.type ?? "application/octet-stream" }), filename);
  const res = await fetch(`${base}/api/rooms/${room}/uploads`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form }).catch((err: unknown) => {
    throw new Error(`upload failed: ${String((err as { cause?: unknown }).cause ?? err)}`);
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

export async function download(base: string, token: string | undefined, url: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A PNG of `width` x `height` pixels in one colour. */
export const png = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } })
    .png()
    .toBuffer();

/** A JPEG carrying EXIF orientation 6 (shown turned a quarter) and GPS-like EXIF text. */
export const jpegWithExif = (width = 80, height = 40) =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Orientation: "6", Make: "SecretCam", Copyright: "GPS 48.8584N 2.2945E" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 30/1" } })
    .toBuffer();
