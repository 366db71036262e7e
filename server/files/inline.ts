/**
 * A file carried inside a MessagePack `send` (a pasted image, a voice note): admitted and stored
 * exactly as `POST /api/rooms/:id/uploads` would, then attached to that send.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { findByClientId } from "@/db/queries/messages";
import type { Runtime } from "@/server/runtime";
import { SNIFF_BYTES } from "./sniff";
import { admitUpload, storeUpload } from "./upload";

type Actor = { id: string; username: string };

/**
 * Stores the file and returns its upload id; null when this send (its client id) is already
 * stored, so a retry does not store the file a second time.
 */
export async function storeInlineFile(
  deps: Pick<Runtime, "db" | "config" | "limits" | "files" | "log">,
  actor: Actor,
  input: { roomId: string; clientId: string; file: { name: string; data: Uint8Array } },
): Promise<string | null> {
  if (await findByClientId(deps.db, input.roomId, actor.id, input.clientId)) return null;
  const data = Buffer.from(input.file.data.buffer, input.file.data.byteOffset, input.file.data.byteLength);
  await admitUpload(deps, actor, input.roomId, data.length);
  const dir = path.join(deps.config.DATA_DIR, "tmp", "uploads");
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${randomUUID()}.inline`);
  await writeFile(tmp, data);
  try {
    const upload = await storeUpload(deps, actor, input.roomId, { path: tmp, size: data.length, head: data.subarray(0, SNIFF_BYTES), filename: input.file.name });
    return upload.id;
  } finally {
    await rm(tmp, { force: true });
  }
}
