/**
 * Uploads as the wire shows them, and where their bytes are kept. Shared by the upload route,
 * the send path (which snapshots them into the message) and the download route.
 */
import type { UploadRow } from "@/db/queries/uploads";
import type { Attachment } from "@/protocol";

/** The FileStore key of an upload's bytes; its thumbnail is the same key + `.webp`. */
export const uploadKey = (id: string) => `uploads/${id.slice(0, 2)}/${id}`;
export const thumbKey = (id: string) => `${uploadKey(id)}.webp`;

export const uploadUrl = (id: string) => `/api/uploads/${id}`;
export const thumbUrl = (id: string) => `/api/uploads/${id}/thumb`;

type Columns = Pick<UploadRow, "id" | "name" | "size" | "mime" | "hasThumb" | "width" | "height" | "durationMs">;

export function toWireAttachment(row: Columns): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    mime: row.mime,
    url: uploadUrl(row.id),
    ...(row.hasThumb ? { thumb_url: thumbUrl(row.id) } : {}),
    ...(row.width !== null ? { width: row.width } : {}),
    ...(row.height !== null ? { height: row.height } : {}),
    ...(row.durationMs !== null ? { duration_ms: row.durationMs } : {}),
  };
}
