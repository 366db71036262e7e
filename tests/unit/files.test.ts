import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRange } from "@/server/files/http";
import { contentDisposition, isInlineType, sanitizeName, sniffMime } from "@/server/files/sniff";

test("names lose directories, control/bidi/zero-width characters and leading dots", () => {
  assert.equal(sanitizeName("../../etc/passwd"), "passwd");
  assert.equal(sanitizeName("C:\\\\Users\\\\me\\\\photo.jpg"), "photo.jpg");
  assert.equal(sanitizeName("invoice\u202Egpj.exe"), "invoicegpj.exe");
  assert.equal(sanitizeName("a\u0000b\u200Bc.txt"), "abc.txt");
  assert.equal(sanitizeName("...hidden"), "hidden");
  assert.equal(sanitizeName('we"ird<>|name?.txt'), "we_ird___name_.txt");
  assert.equal(sanitizeName(""), "file");
  assert.equal(sanitizeName(undefined), "file");
  const long = sanitizeName("x".repeat(500) + ".png");
  assert.equal(long.length, 200);
  assert.ok(long.endsWith(".png"));
});

test("types come from the bytes", async () => {
  assert.equal(await sniffMime(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])), "image/png");
  assert.equal(await sniffMime(Buffer.from("<!DOCTYPE html><p>hi")), "text/html");
  assert.equal(await sniffMime(Buffer.from("  <script>alert(1)</script>")), "text/html");
  assert.equal(await sniffMime(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')), "image/svg+xml");
  assert.equal(await sniffMime(Buffer.from("plain words, 1 < 2")), "text/plain");
  assert.equal(await sniffMime(Buffer.from("caf\u00e9 ✓")), "text/plain");
  assert.equal(await sniffMime(Buffer.from([0x00, 0x01, 0x02, 0x9f, 0x41])), "application/octet-stream");
  assert.equal(await sniffMime(Buffer.from([0xc3])), "text/plain", "a character cut off by the sniff window is still text");
});

test("only raster images, audio and video are inline", () => {
  for (const mime of ["image/png", "image/jpeg", "image/webp", "audio/ogg", "video/mp4"]) assert.ok(isInlineType(mime), mime);
  for (const mime of ["image/svg+xml", "text/html", "text/plain", "application/pdf", "application/octet-stream"]) assert.ok(!isInlineType(mime), mime);
  assert.equal(contentDisposition("attachment", "résumé \"final\".pdf"), `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
});

test("byte ranges", () => {
  assert.equal(parseRange(undefined, 100), null);
  assert.deepEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange("bytes=90-", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-5", 100), { start: 95, end: 99 });
  assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=50-5000", 100), { start: 50, end: 99 });
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=0-1,5-6", 100), null, "several ranges: the whole file");
  assert.equal(parseRange("items=0-1", 100), null);
  assert.equal(parseRange("bytes=9-3", 100), null);
});
