/**
 * Who may fetch an upload's bytes: the members who can read the message it is attached to (a
 * private message: its sender and recipient), and before it is attached only its uploader.
 * Everyone else, including members who were kicked or banned since, learns nothing: the same
 * NOT_FOUND as for an id that never existed.
 */
import { getMessageById } from "@/db/queries/messages";
import { getUpload, type UploadRow } from "@/db/queries/uploads";
import { retentionCutoff } from "@/server/chat/messages";
import { loadRoom } from "@/server/chat/rooms";
import { isVisibleInRoom } from "@/server/chat/wire";
import { AppError } from "@/server/errors";
import type { Runtime } from "@/server/runtime";

const notFound = () => new AppError("NOT_FOUND", "file not found");

export async function readableUpload({ db }: Pick<Runtime, "db">, actorId: string, uploadId: string): Promise<UploadRow> {
  const upload = await getUpload(db, { id: uploadId });
  if (!upload) throw notFound();
  if (upload.messageId === null) {
    if (upload.uploaderId !== actorId) throw notFound();
    return upload;
  }
  const message = await getMessageById(db, { id: upload.messageId });
  if (!message || message.deletedAt) throw notFound();
  let standing;
  try {
    standing = await loadRoom(db, message.roomId, actorId);
  } catch (err) {
    if (err instanceof AppError || (err as { code?: string }).code === "NOT_FOUND") throw notFound();
    throw err;
  }
  const { room, membership, banned } = standing;
  if (banned || !membership || !isVisibleInRoom(message, room.id, actorId)) throw notFound();
  const cutoff = retentionCutoff(room);
  if (cutoff && message.createdAt < cutoff) throw notFound();
  return upload;
}
