/**
 * Image work for uploads, with sharp: dimensions, a bounded WebP thumbnail (EXIF orientation
 * applied, no metadata kept), and for JPEGs a re-encoded copy without EXIF/GPS, which is what
 * gets stored and served. The pixel count is checked from the header before anything is
 * decoded, and every decoder runs with `limitInputPixels`, so a decompression bomb (a tiny
 * PNG claiming 50,000 x 50,000 pixels) is refused without allocating its pixels.
 */
import sharp from "sharp";
import { AppError } from "@/server/errors";

/** Longest side of a thumbnail. */
export const THUMB_MAX = 480;

// Uploads are processed once; libvips' operation cache would only hold memory.
sharp.cache(false);

/** Decodes at once: each holds up to MAX_IMAGE_PIXELS x 4 bytes, so they are few. */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function exclusive<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export interface ProcessedImage {
  width: number;
  height: number;
  thumb: Buffer;
  /** For JPEGs: the file to store instead of the upload (metadata stripped). */
  strippedJpeg?: Buffer;
}

const tooLarge = (maxPixels: number) => new AppError("TOO_LARGE", `the image has more than ${maxPixels} pixels`, { field: "file" });

export async function processImage(file: string, mime: string, maxPixels: number): Promise<ProcessedImage> {
  return exclusive(async () => {
    const open = () => sharp(file, { limitInputPixels: maxPixels, failOn: "error", autoOrient: true });
    // The header alone: no pixels are decoded, so this is safe before the pixel check.
    const meta = await sharp(file, { limitInputPixels: false })
      .metadata()
      .catch(() => null);
    if (!meta?.width || !meta.height) throw new AppError("INVALID", "the image could not be read", { field: "file" });
    if (meta.width * meta.height > maxPixels) throw tooLarge(maxPixels);
    try {
      const thumb = await open()
        .resize({ width: THUMB_MAX, height: THUMB_MAX, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer();
      const strippedJpeg = mime === "image/jpeg" ? await open().jpeg({ quality: 90 }).toBuffer() : undefined;
      // Orientations 5–8 turn the image a quarter: the displayed size swaps the stored one.
      const turned = (meta.orientation ?? 1) >= 5;
      return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, thumb, strippedJpeg };
    } catch (err) {
      if (err instanceof Error && /pixel limit/i.test(err.message)) throw tooLarge(maxPixels);
      throw new AppError("INVALID", "the image could not be decoded", { field: "file" });
    }
  });
}
