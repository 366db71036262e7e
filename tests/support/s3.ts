/**
 * A real S3 implementation for tests: s3rver (npm), started on a free loopback port with one
 * bucket, its objects in a temporary directory. Credentials are s3rver's fixed pair.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The environment that points a Confab server at this bucket. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(bucket = "confab-test"): Promise<TestS3> {
  const directory = mkdtempSync(path.join(tmpdir(), "confab-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER", S3_REGION: "us-east-1" },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
