/**
 * Files across instances: two servers on one Postgres + Redis, sharing uploads through a real
 * S3 implementation (s3rver) in one suite and through one shared directory in the other.
 * Uploaded on A, attached on A, fetched (with Range) through B; deleted through B, gone for A.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { createRoom, registerUser, TestSocket } from "../support/client";
import { startS3, type TestS3 } from "../support/s3";
import { servicesEnv, startServer, type TestServer } from "../support/server";
import { download, png, upload } from "../support/uploads";

const ackOf = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", JSON.stringify(frame));
  return (frame as Extract<ServerFrame, { type: "ack" }>).message;
};

function suite(name: string, storage: () => Promise<{ env: Record<string, string>; stop: () => Promise<void> }>) {
  describe(name, () => {
    let A: TestServer;
    let B: TestServer;
    let stopStorage: () => Promise<void>;
    before(async () => {
      const shared = await storage();
      stopStorage = shared.stop;
      const env = { ...servicesEnv(), ...shared.env };
      A = await startServer(env);
      B = await startServer(env);
    });
    after(async () => {
      await Promise.all([A?.stop(), B?.stop()]);
      await stopStorage?.();
    });

    test("upload on A, fetch through B; delete through B removes the bytes for both", async () => {
      const alice = await registerUser(A.url, "alice");
      const room = await createRoom(A.url, alice, "private");
      const image = await png(300, 200);
      const res = await upload(A.url, alice.token, room, image, "shared.png");
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const up = res.body.upload!;

      const unattached = await download(B.url, alice.token, up.url);
      assert.equal(unattached.status, 200);
      assert.ok(unattached.bytes.equals(image));

      const onA = await TestSocket.connect(A.wsUrl, alice);
      await onA.join(room);
      const message = ackOf(await onA.request({ type: "send", room, content: "from A", attachments: [up.id] }));
      assert.equal(message.attachments?.[0]?.id, up.id);

      const part = await download(B.url, alice.token, up.url, { range: "bytes=0-7" });
      assert.equal(part.status, 206);
      assert.ok(part.bytes.equals(image.subarray(0, 8)));
      const thumb = await download(B.url, alice.token, up.thumb_url!);
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers.get("content-type"), "image/webp");

      const onB = await TestSocket.connect(B.wsUrl, alice);
      await onB.join(room);
      ackOf(await onB.request({ type: "delete", room, message: message.id }));
      assert.equal((await download(A.url, alice.token, up.url)).status, 404);
      assert.equal((await download(B.url, alice.token, up.thumb_url!)).status, 404);
      await Promise.all([onA.close(), onB.close()]);
    });
  });
}

suite("shared S3 bucket (s3rver)", async () => {
  const s3: TestS3 = await startS3();
  return { env: s3.env, stop: () => s3.stop() };
});

suite("shared directory", async () => {
  // DATA_DIR stays per instance; only the files directory is shared (as a network mount would be).
  const shared = mkdtempSync(path.join(tmpdir(), "confab-shared-files-"));
  return { env: { FILES_DIR: shared }, stop: async () => rmSync(shared, { recursive: true, force: true }) };
});
