/**
 * The directory backend. Writes go to a temporary name beside the target and are renamed into
 * place, so a reader (on this or another instance sharing the directory) never sees half a file.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertKey, type ByteRange, type FileStore } from "./store";

export class DirectoryFileStore implements FileStore {
  readonly kind = "fs";

  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, body: Readable | Buffer, { size }: { size: number; contentType: string }): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    try {
      if (Buffer.isBuffer(body)) await writeFile(tmp, body, { flush: true });
      else await pipeline(body, createWriteStream(tmp, { flush: true }));
      const written = (await stat(tmp)).size;
      if (written !== size) throw new Error(`stored ${written} bytes of ${size} for ${key}`);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const file = this.pathOf(key);
    const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
    // Surface ENOENT as "no such object" rather than as a stream error mid-response.
    return new Promise((resolve, reject) => {
      stream.once("open", () => resolve(stream));
      stream.once("error", (err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? resolve(null) : reject(err)));
    });
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}

