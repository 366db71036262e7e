/**
 * Streams a multipart/form-data body to a temporary file with @fastify/busboy: the body is
 * never held in memory, only its first SNIFF_BYTES (for sniffing). Past `maxBytes` the parse
 * stops at once with TOO_LARGE; the caller answers and closes the connection without reading on.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy, { type BusboyHeaders, type BusboyInstance } from "@fastify/busboy";
import { AppError } from "@/server/errors";
import { SNIFF_BYTES } from "./sniff";

export interface ReceivedFile {
  /** Temporary file holding the bytes; the caller removes it (`discard`). */
  path: string;
  size: number;
  head: Buffer;
  /** The client's name for the file, unsanitized. */
  filename: string;
  /** Small text fields sent with the file (e.g. `duration_ms`). */
  fields: Record<string, string>;
  discard(): Promise<void>;
}

export async function receiveFile(req: IncomingMessage, { tmpDir, maxBytes }: { tmpDir: string; maxBytes: number }): Promise<ReceivedFile> {
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({
      headers: req.headers as BusboyHeaders,
      limits: { files: 1, fileSize: maxBytes, fields: 8, fieldSize: 1024, parts: 10 },
      // The `file` part is the file even when a client sends it without a filename.
      isPartAFile: (field, contentType, filename) => field === "file" || filename !== undefined || contentType === "application/octet-stream",
    });
  } catch {
    throw new AppError("INVALID", "the body must be multipart/form-data with a part named file", { field: "file" });
  }
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${randomUUID()}.part`);
  const discard = () => rm(tmp, { force: true });
  const fields: Record<string, string> = {};

  try {
    const received = await new Promise<Omit<ReceivedFile, "fields" | "discard">>((resolve, reject) => {
      let file: Promise<Omit<ReceivedFile, "fields" | "discard">> | undefined;
      const fail = (err: unknown) => {
        req.unpipe(busboy);
        reject(err);
      };
      busboy.on("file", (field, stream, filename) => {
        if (field !== "file" || file) {
          stream.resume();
          return;
        }
        const chunks: Buffer[] = [];
        let headBytes = 0;
        let size = 0;
        stream.on("limit", () => fail(new AppError("TOO_LARGE", `the file is larger than ${maxBytes} bytes`, { field: "file" })));
        const tap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            if (headBytes < SNIFF_BYTES) {
              const part = chunk.subarray(0, SNIFF_BYTES - headBytes);
              chunks.push(part);
              headBytes += part.length;
            }
            done(null, chunk);
          },
        });
        file = pipeline(stream, tap, createWriteStream(tmp)).then(() => ({ path: tmp, size, head: Buffer.concat(chunks), filename: filename ?? "" }));
        file.catch(fail);
      });
      busboy.on("field", (name, value) => {
        fields[name] = value;
      });
      busboy.on("error", (err: unknown) => fail(new AppError("INVALID", `malformed multipart body: ${err instanceof Error ? err.message : "parse error"}`)));
      busboy.on("finish", () => {
        if (!file) return fail(new AppError("INVALID", "file: a part named file is required", { field: "file" }));
        file.then(resolve, fail);
      });
      req.on("aborted", () => fail(new AppError("INVALID", "the upload was aborted")));
      req.on("error", fail);
      req.pipe(busboy);
    });
    return { ...received, fields, discard };
  } catch (err) {
    await discard();
    throw err;
  }
}
