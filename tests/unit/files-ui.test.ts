/** The browser-side helpers of uploads and voice notes (lib/files/): wording, sizes, kinds, WAV. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, formatDuration, isImage, kindOf, refusalText } from "@/lib/files/upload";
import { encodeWav, peaks, VOICE_RATE } from "@/lib/files/voice";
import type { Attachment } from "@/protocol";

const file = (over: Partial<Attachment>): Attachment => ({ id: "u1", name: "f", size: 1, mime: "application/pdf", url: "/api/uploads/u1", ...over });

test("a refused upload is explained by what went wrong, in the server's words", () => {
  assert.equal(refusalText(413, "TOO_LARGE", "file: larger than 25 MiB"), "Too large: File: larger than 25 MiB");
  assert.match(refusalText(429, "RATE_LIMITED", ""), /Too many uploads/);
  assert.equal(refusalText(403, "FORBIDDEN", "file sharing is off in this room"), "Not allowed: File sharing is off in this room");
  assert.match(refusalText(0, "", ""), /Network error/);
  assert.equal(refusalText(400, "INVALID", "file: the file is empty"), "File: the file is empty");
});

test("a message is an image message only when everything attached is a measured raster image", () => {
  const png = file({ mime: "image/png", width: 4, height: 3, thumb_url: "/t" });
  assert.equal(kindOf([png, png]), "image");
  assert.equal(kindOf([png, file({})]), "file");
  assert.equal(isImage(file({ mime: "image/svg+xml" })), false, "SVG is a download, never inline");
});

test("sizes and durations read naturally", () => {
  assert.equal(formatBytes(1), "1 byte");
  assert.equal(formatBytes(2048), "2.0 KB");
  assert.equal(formatBytes(25 * 1024 * 1024), "25 MB");
  assert.equal(formatDuration(3_668), "0:04");
  assert.equal(formatDuration(83_000), "1:23");
});

test("the voice note is a valid 16-bit mono WAV at the model's rate, and its waveform is normalized", async () => {
  const samples = new Float32Array(VOICE_RATE / 2).map((_, i) => Math.sin(i / 10) * (i < VOICE_RATE / 4 ? 0.1 : 0.5));
  const wav = Buffer.from(await encodeWav(samples).arrayBuffer());
  assert.equal(wav.toString("latin1", 0, 4), "RIFF");
  assert.equal(wav.toString("latin1", 8, 12), "WAVE");
  assert.equal(wav.readUInt16LE(22), 1, "mono");
  assert.equal(wav.readUInt32LE(24), VOICE_RATE);
  assert.equal(wav.readUInt16LE(34), 16);
  assert.equal(wav.readUInt32LE(40), samples.length * 2);
  assert.equal(wav.length, 44 + samples.length * 2);
  const bars = peaks(samples, 10);
  assert.equal(bars.length, 10);
  assert.equal(Math.max(...bars), 1);
  assert.ok(bars[0]! < 0.3 && bars[9]! > 0.9, "quiet first half, loud second half");
});
