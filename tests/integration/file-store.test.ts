/**
 * The storage interface behind uploads, against both backends: a directory and a real S3
 * implementation (s3rver). Same assertions for each, so the two cannot drift apart.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, test } from "node:test";
import { createFileStore, type FileStore } from "@/server/files/store";
import { startS3, type TestS3 } from "../support/s3";

const keyOf = () => {
  const id = randomUUID();
  return `uploads/${id.slice(0, 2)}/${id}`;
};

function suite(name: string, open: () => Promise<{ store: FileStore; cleanup: () => Promise<void> }>) {
  describe(name, () => {
    let store: FileStore;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await open()));
    after(async () => {
      await store.close();
      await cleanup();
    });

    test("put, stat, get whole and by range, delete", async () => {
      const key = keyOf();
      const body = Buffer.from("0123456789abcdefghij");
      await store.put(key, Readable.from([body.subarray(0, 7), body.subarray(7)]), { size: body.length, contentType: "text/plain" });
      assert.deepEqual(await store.stat(key), { size: body.length });
      assert.equal(await text((await store.get(key))!), body.toString());
      assert.equal(await text((await store.get(key, { start: 3, end: 9 }))!), "3456789");
      assert.equal(await text((await store.get(key, { start: 19, end: 19 }))!), "j");
      await store.delete(key);
      assert.equal(await store.stat(key), null);
      assert.equal(await store.get(key), null);
    });

    test("buffers store too; missing keys are null and delete is idempotent", async () => {
      const key = `${keyOf()}.webp`;
      await store.put(key, Buffer.from([1, 2, 3]), { size: 3, contentType: "image/webp" });
      assert.deepEqual(await store.stat(key), { size: 3 });
      const missing = keyOf();
      assert.equal(await store.stat(missing), null);
      assert.equal(await store.get(missing), null);
      await store.delete(missing);
      await store.delete(key);
      await store.delete(key);
      assert.equal(await store.stat(key), null);
    });

    test("keys that are not server-made are refused", async () => {
      await assert.rejects(store.stat("../../etc/passwd"), /invalid storage key/);
      await assert.rejects(store.put("uploads/x", Buffer.from("x"), { size: 1, contentType: "text/plain" }), /invalid storage key/);
    });
  });
}

const base = { S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: true } as const;

suite("directory backend", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "confab-files-"));
  const store = await createFileStore({ ...base, FILES_DIR: path.join(dataDir, "files"), S3_ENDPOINT: undefined });
  assert.equal(store.kind, "fs");
  return { store, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
});

suite("S3 backend (s3rver)", async () => {
  const s3: TestS3 = await startS3();
  const store = await createFileStore({
    ...base,
    FILES_DIR: tmpdir(),
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  });
  assert.equal(store.kind, "s3");
  return { store, cleanup: () => s3.stop() };
});
