/**
 * `POST /api/rooms/:id/uploads`: who may upload, and storing what they sent. Everything that can
 * be refused from the request alone (standing, room setting, rate, quota, declared size) is
 * refused before the body is read.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { insertUpload, storedBytes } from "@/db/queries/uploads";
import type { Attachment } from "@/protocol";
import { filesAllowed } from "@/server/chat/attachments";
import { assertCanPost } from "@/server/chat/permissions";
import { loadRoom } from "@/server/chat/rooms";
import { AppError, bannedFromRoom } from "@/server/errors";
import type { Runtime } from "@/server/runtime";
import { thumbKey, toWireAttachment, uploadKey } from "./attachments";
import { processImage } from "./images";
import { receiveFile } from "./receive";
import { RASTER_IMAGES, sanitizeName, sniffMime } from "./sniff";

type Deps = Pick<Runtime, "db" | "config" | "limits" | "files" | "log">;
type Actor = { id: string; username: string };


/** Multipart framing around the file: boundaries, part headers, a few small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * The checks that need no body: the actor may post in the room with files on, is within the
 * upload rate and has quota left for what the request declares it carries.
 */
export async function admitUpload({ db, config, limits }: Deps, actor: Actor, roomId: string, declaredBytes: number | undefined): Promise<void> {
  const { room, membership, banned } = await loadRoom(db, roomId, actor.id);
  if (banned) throw bannedFromRoom();
  assertCanPost(room, membership);
  if (!filesAllowed(room)) throw new AppError("FORBIDDEN", "file sharing is turned off in this room");
  await limits.consume("upload", actor.id);
  if (declaredBytes !== undefined && declaredBytes > config.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD) {
    throw new AppError("TOO_LARGE", `the file is larger than ${config.MAX_UPLOAD_BYTES} bytes`, { field: "file" });
  }
  const used = await storedBytes(db, { uploaderId: actor.id });
  const incoming = declaredBytes === undefined ? 1 : Math.max(1, declaredBytes - MULTIPART_OVERHEAD);
  if (used + incoming > config.UPLOAD_QUOTA_BYTES) throw quotaExceeded(config.UPLOAD_QUOTA_BYTES);
}

const quotaExceeded = (quota: number) => new AppError("TOO_LARGE", `your upload quota of ${quota} bytes is used up; delete messages with files to free it`, { field: "file" });

/** A client hint shown with audio and video (the bytes are not parsed for it). */
function durationHint(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 86_400_000 ? n : null;
}

/** A file already on local disk (the streamed body, or an inline socket file), stored as an upload. */
export interface IncomingFile {
  path: string;
  size: number;
  head: Buffer;
  filename: string;
  durationMs?: string;
}

export async function storeUpload(deps: Deps, actor: Actor, roomId: string, incoming: IncomingFile): Promise<Attachment> {
  const { db, config, files } = deps;
  if (incoming.size === 0) throw new AppError("INVALID", "file: the file is empty", { field: "file" });
  const mime = await sniffMime(incoming.head);
  const id = randomUUID();
  let width: number | null = null;
  let height: number | null = null;
  let thumb: Buffer | undefined;
  let body: Buffer | undefined;
  if (RASTER_IMAGES.has(mime)) {
    const image = await processImage(incoming.path, mime, config.MAX_IMAGE_PIXELS);
    ({ width, height, thumb } = image);
    body = image.strippedJpeg;
  }
  const size = body?.length ?? incoming.size;
  if ((await storedBytes(db, { uploaderId: actor.id })) + size > config.UPLOAD_QUOTA_BYTES) throw quotaExceeded(config.UPLOAD_QUOTA_BYTES);

  const key = uploadKey(id);
  await files.put(key, body ?? createReadStream(incoming.path), { size, contentType: mime });
  try {
    if (thumb) await files.put(thumbKey(id), thumb, { size: thumb.length, contentType: "image/webp" });
    const isMedia = mime.startsWith("audio/") || mime.startsWith("video/");
    const row = await insertUpload(db, {
      id,
      roomId,
      uploaderId: actor.id,
      name: sanitizeName(incoming.filename),
      size,
      mime,
      hasThumb: thumb !== undefined,
      width,
      height,
      durationMs: isMedia ? durationHint(incoming.durationMs) : null,
    });
    return toWireAttachment(row);
  } catch (err) {
    await Promise.all([files.delete(key), files.delete(thumbKey(id))]).catch(() => {});
    throw err;
  }
}

/** The whole upload request: admit, stream the body to disk, store. */
export async function receiveUpload(deps: Deps, actor: Actor, roomId: string, req: IncomingMessage): Promise<Attachment> {
  const declared = req.headers["content-length"] !== undefined ? Number(req.headers["content-length"]) : undefined;
  await admitUpload(deps, actor, roomId, Number.isFinite(declared) ? declared : undefined);
  const received = await receiveFile(req, { tmpDir: path.join(deps.config.DATA_DIR, "tmp", "uploads"), maxBytes: deps.config.MAX_UPLOAD_BYTES });
  try {
    return await storeUpload(deps, actor, roomId, { ...received, durationMs: received.fields.duration_ms });
  } finally {
    await received.discard();
  }
}

