/**
 * The rules for attaching uploads to a message, checked before the send takes its place in
 * the group commit (for precise errors); the commit itself claims the uploads atomically
 * (db/queries/uploads.ts claimUploads), so a race between two sends still attaches once.
 */
import type { Database } from "@/db/client";
import { getUploads } from "@/db/queries/uploads";
import type { MessageKind } from "@/protocol";
import { AppError } from "@/server/errors";
import { RASTER_IMAGES } from "@/server/files/sniff";

/** Room file sharing ("File sharing" in the room settings) is on unless an admin turned it off. */
export const filesAllowed = (room: { settings: Record<string, unknown> }) => room.settings.files_allowed !== false;

/** Checks the uploads may be attached by `senderId` in `room`; returns the message's kind. */
export async function checkAttachments(
  db: Database,
  senderId: string,
  room: { id: string; settings: Record<string, unknown> },
  ids: readonly string[],
  kind: MessageKind | undefined,
): Promise<MessageKind> {
  if (!filesAllowed(room)) throw new AppError("FORBIDDEN", "file sharing is turned off in this room");
  const rows = new Map((await getUploads(db, { ids })).map((u) => [u.id, u]));
  for (const id of ids) {
    const upload = rows.get(id);
    // Someone else's upload is as unknown as a made-up id: nothing about it is revealed.
    if (!upload || upload.uploaderId !== senderId) throw new AppError("NOT_FOUND", `attachments: no upload ${id}`, { field: "attachments" });
    if (upload.roomId !== room.id) throw new AppError("INVALID", `attachments: upload ${id} was made in another room`, { field: "attachments" });
    if (upload.messageId !== null) throw new AppError("CONFLICT", `attachments: upload ${id} is already attached to a message`, { field: "attachments" });
  }
  if (kind && kind !== "text") return kind;
  const mimes = ids.map((id) => rows.get(id)!.mime);
  return mimes.every((m) => RASTER_IMAGES.has(m)) ? "image" : "file";
}
