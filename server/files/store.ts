/**
 * Where uploaded bytes live. One interface, two backends: a directory (FILES_DIR, by default
 * DATA_DIR/files; several instances may share it over a network filesystem) or S3-compatible object
 * storage (S3_BUCKET, with S3_ENDPOINT for MinIO, s3rver, R2…). Keys are made by the server
 * (never from client input), so backends may map them to paths without further escaping.
 */
import type { Readable } from "node:stream";
import type { Config } from "@/server/config";

/** An inclusive byte range, as HTTP Range gives it. */
export type ByteRange = { start: number; end: number };

export interface FileStore {
  readonly kind: "fs" | "s3";
  /** Stores `body` (exactly `size` bytes) under `key`; visible to `get` only once complete. */
  put(key: string, body: Readable | Buffer, meta: { size: number; contentType: string }): Promise<void>;
  /** Streams the object (or one range of it); null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Keys are `<prefix>/<uuid>[.<suffix>]`; anything else is a programming error, refused loudly. */
export const KEY_PATTERN = /^[a-z]+\/[0-9a-f]{2}\/[0-9a-f-]{36}(\.[a-z0-9]+)?$/;

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/** The S3 backend when a bucket is configured, else the directory backend. */
export async function createFileStore(config: Pick<Config, "FILES_DIR" | "S3_BUCKET" | "S3_ENDPOINT" | "S3_REGION" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY" | "S3_FORCE_PATH_STYLE">): Promise<FileStore> {
  if (config.S3_BUCKET) {
    // Loaded only when used: the embedded shape never pays for the AWS SDK.
    const { S3FileStore } = await import("./s3-store");
    return new S3FileStore({
      bucket: config.S3_BUCKET,
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials:
        config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } : undefined,
    });
  }
  const { DirectoryFileStore } = await import("./fs-store");
  return new DirectoryFileStore(config.FILES_DIR);
}
