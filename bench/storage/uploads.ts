/**
 * Upload throughput and server memory while many clients upload at once, and thumbnail time.
 * A measurement, never an assertion:
 *
 *   npm run build:server   # the bench runs dist/server.mjs, like the integration tests
 *   node --import tsx bench/storage/uploads.ts [clients=50] [megabytes=10] [images=40]
 *
 * Starts its own server (embedded, temp DATA_DIR, limits lifted), then:
 * 1. `clients` users each upload a `megabytes` MB file of random bytes, all at once; prints the
 *    aggregate MB/s and the server's RSS before and at its peak (sampled from /proc every 50 ms).
 *    Bodies are streamed to disk, so the peak should stay far below clients x size.
 * 2. Thumbnails: `images` 3000 x 2000 JPEGs through the same code the upload route runs
 *    (server/files/images.ts, in this process), printing p50/p99 ms.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { processImage } from "../../server/files/images";
import { createRoom, registerUser } from "../../tests/support/client";
import { startServer } from "../../tests/support/server";
import { upload } from "../../tests/support/uploads";

const clients = Number(process.argv[2] ?? 50);
const megabytes = Number(process.argv[3] ?? 10);
const images = Number(process.argv[4] ?? 40);

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

const server = await startServer({
  MAX_UPLOAD_BYTES: String((megabytes + 1) * 1024 * 1024),
  RATE_UPLOADS_PER_MIN: "100000000",
  UPLOAD_QUOTA_BYTES: String(1024 ** 4),
});
try {
  const pid = server.process.pid!;
  const users = await Promise.all(Array.from({ length: clients }, () => registerUser(server.url, "up")));
  const rooms = await Promise.all(users.map((u) => createRoom(server.url, u, "private")));
  const body = randomBytes(megabytes * 1024 * 1024);
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  const started = performance.now();
  const results = await Promise.all(users.map((u, i) => upload(server.url, u.token, rooms[i]!, body, "random.bin")));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const ok = results.filter((r) => r.status === 201).length;
  console.log(
    JSON.stringify({
      scenario: "concurrent uploads",
      clients,
      megabytes_each: megabytes,
      ok,
      seconds: Number(seconds.toFixed(2)),
      mb_per_s: Number(((ok * megabytes) / seconds).toFixed(1)),
      server_rss_mb_before: Math.round(before),
      server_rss_mb_peak: Math.round(peak),
    }),
  );
} finally {
  await server.stop();
}

const dir = await mkdtemp(path.join(tmpdir(), "confab-thumbs-"));
try {
  const file = path.join(dir, "photo.jpg");
  // Noise, so the JPEG is photo-sized rather than a flat colour that compresses to nothing.
  const noise = await sharp(randomBytes(3000 * 2000 * 3), { raw: { width: 3000, height: 2000, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  writeFileSync(file, noise);
  const times: number[] = [];
  for (let i = 0; i < images; i++) {
    const t = performance.now();
    await processImage(file, "image/jpeg", 50_000_000);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => Number(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1));
  console.log(JSON.stringify({ scenario: "thumbnail + stripped JPEG", size: "3000x2000", bytes: noise.length, images, p50_ms: pct(50), p99_ms: pct(99) }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
