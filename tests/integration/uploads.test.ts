/**
 * Uploads end to end against the real server: who may upload, what the server makes of the
 * bytes (sniffed type, thumbnails, stripped metadata), the limits (size, quota, rate, pixels),
 * who may fetch them (members who can read the message; 404 for everyone else), HTTP caching
 * and ranges, and deletion of the bytes with their message.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { crc32, deflateSync } from "node:zlib";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "../support/client";
import { startServer, type TestServer } from "../support/server";
import { download, jpegWithExif, png, upload } from "../support/uploads";

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;

const MAX = 2 * 1024 * 1024;

before(async () => {
  server = await startServer({ MAX_UPLOAD_BYTES: String(MAX), RATE_UPLOADS_PER_MIN: "1000" });
  [owner, member, outsider] = await Promise.all([registerUser(server.url, "own"), registerUser(server.url, "mem"), registerUser(server.url, "out")]);
});
after(() => server?.stop());

async function roomWith(...users: TestUser[]) {
  const room = await createRoom(server.url, owner, "private");
  for (const user of users) {
    const invite = await api<{ token: string }>(server.url, "POST", `/api/rooms/${room}/invites`, { token: owner.token, body: {} });
    assert.equal((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { token: user.token })).status, 200);
  }
  return room;
}

const filePath = (id: string, suffix = "") => path.join(server.dataDir, "files", "uploads", id.slice(0, 2), id + suffix);

describe("uploading", () => {
  test("an image is stored with its sniffed type, dimensions and a WebP thumbnail", async () => {
    const room = await roomWith(member);
    const bytes = await png(640, 320);
    const res = await upload(server.url, member.token, room, bytes, "../../etc/pic.png", { type: "text/html" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const up = res.body.upload!;
    assert.equal(up.mime, "image/png");
    assert.equal(up.name, "pic.png");
    assert.equal(up.size, bytes.length);
    assert.equal(up.width, 640);
    assert.equal(up.height, 320);
    assert.equal(up.url, `/api/uploads/${up.id}`);
    assert.ok(up.thumb_url);
    assert.ok(existsSync(filePath(up.id)));

    const original = await download(server.url, member.token, up.url);
    assert.equal(original.status, 200);
    assert.equal(original.headers.get("content-type"), "image/png");
    assert.equal(original.headers.get("x-content-type-options"), "nosniff");
    assert.match(original.headers.get("content-disposition")!, /^inline; filename="pic.png"/);
    assert.match(original.headers.get("cache-control")!, /private/);
    assert.ok(original.bytes.equals(bytes));

    const thumb = await download(server.url, member.token, up.thumb_url!);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get("content-type"), "image/webp");
    const meta = await sharp(thumb.bytes).metadata();
    assert.equal(meta.format, "webp");
    assert.ok(meta.width! <= 480 && meta.height! <= 480, `${meta.width}x${meta.height}`);
    assert.equal(meta.width, 480);
  });

  test("a .png that is really HTML is typed by its bytes and served as an attachment", async () => {
    const room = await roomWith(member);
    const html = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
    const res = await upload(server.url, member.token, room, html, "cat.png", { type: "image/png" });
    assert.equal(res.status, 201);
    assert.equal(res.body.upload!.mime, "text/html");
    assert.equal(res.body.upload!.thumb_url, undefined);
    const got = await download(server.url, member.token, res.body.upload!.url);
    assert.match(got.headers.get("content-type")!, /^text\/html/);
    assert.match(got.headers.get("content-disposition")!, /^attachment;/);
    assert.equal(got.headers.get("x-content-type-options"), "nosniff");
    assert.match(got.headers.get("content-security-policy")!, /sandbox/);

    const svg = await upload(server.url, member.token, room, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "x.jpg");
    assert.equal(svg.body.upload!.mime, "image/svg+xml");
    assert.match((await download(server.url, member.token, svg.body.upload!.url)).headers.get("content-disposition")!, /^attachment;/);

    const text = await upload(server.url, member.token, room, Buffer.from("just some notes\nline two\n"), "notes.exe");
    assert.equal(text.body.upload!.mime, "text/plain");
    const binary = await upload(server.url, member.token, room, Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]), "blob.txt");
    assert.equal(binary.body.upload!.mime, "application/octet-stream");
    assert.match((await download(server.url, member.token, binary.body.upload!.url)).headers.get("content-disposition")!, /^attachment;/);
  });

  test("JPEGs are served without their EXIF/GPS, turned upright", async () => {
    const room = await roomWith(member);
    const jpeg = await jpegWithExif(80, 40);
    assert.ok((await sharp(jpeg).metadata()).exif, "the fixture carries EXIF");
    const res = await upload(server.url, member.token, room, jpeg, "holiday.jpg");
    assert.equal(res.status, 201);
    const up = res.body.upload!;
    assert.equal(up.mime, "image/jpeg");
    assert.deepEqual([up.width, up.height], [40, 80], "orientation 6 turns the picture");
    const served = await download(server.url, member.token, up.url);
    const meta = await sharp(served.bytes).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.orientation, undefined);
    assert.deepEqual([meta.width, meta.height], [40, 80]);
    assert.ok(!served.bytes.includes(Buffer.from("SecretCam")));
    const thumb = await sharp((await download(server.url, member.token, up.thumb_url!)).bytes).metadata();
    assert.equal(thumb.exif, undefined);
    assert.deepEqual([thumb.width, thumb.height], [40, 80]);
  });

  test("outsiders, banned and muted members, and rooms with file sharing off get 403", async () => {
    const room = await roomWith(member);
    const bytes = Buffer.from("hello");
    assert.equal((await upload(server.url, outsider.token, room, bytes)).status, 403);
    const patched = await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { files_allowed: false } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const off = await upload(server.url, member.token, room, bytes);
    assert.equal(off.status, 403);
    assert.equal(off.body.error!.code, "FORBIDDEN");
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { files_allowed: true } })).status, 200);
    assert.equal((await upload(server.url, member.token, room, bytes)).status, 201);

    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "mute", user: member.id, duration_s: 600 } })).status, 200);
    assert.equal((await upload(server.url, member.token, room, bytes)).status, 403);
    assert.equal((await api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body: { action: "ban", user: member.id } })).status, 200);
    assert.equal((await upload(server.url, member.token, room, bytes)).status, 403);
    assert.equal((await upload(server.url, member.token, "00000000-0000-4000-8000-000000000000", bytes)).status, 404);
    const anonymous = await fetch(`${server.url}/api/rooms/${room}/uploads`, { method: "POST", body: new FormData() });
    assert.equal(anonymous.status, 401);
  });

  test("a body without a file part is refused with the error shape", async () => {
    const room = await roomWith(member);
    const form = new FormData();
    form.append("other", "x");
    const res = await fetch(`${server.url}/api/rooms/${room}/uploads`, { method: "POST", headers: { authorization: `Bearer ${member.token}` }, body: form });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "INVALID");
    const json = await api<{ error: { code: string } }>(server.url, "POST", `/api/rooms/${room}/uploads`, { token: member.token, body: { file: "x" } });
    assert.equal(json.status, 400);
  });
});

/** A PNG header claiming `width` x `height` grey pixels, with a tiny compressed body. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "latin1"), data])));
    return Buffer.concat([len, Buffer.from(type, "latin1"), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // Rows of zeros compress ~1000:1; a real bomb would carry them all, the header is what counts.
  const idat = deflateSync(Buffer.alloc((width + 1) * 64));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]);
}

/**
 * Streams `total` bytes of one multipart file part without a Content-Length, and stops as soon
 * as the server answers; resolves with the answer and how many bytes had been written by then.
 */
function streamUpload(room: string, token: string, total: number): Promise<{ status: number; body: string; written: number }> {
  const boundary = "----confabtest" + Date.now();
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(`${server.url}/api/rooms/${room}/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, written }));
    });
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 7);
    req.write(head);
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

describe("limits", () => {
  test("a declared body over MAX_UPLOAD_BYTES is answered 413 before it is read", async () => {
    const room = await roomWith(member);
    const res = await upload(server.url, member.token, room, Buffer.alloc(MAX + 1024 * 1024, 1), "big.bin");
    assert.equal(res.status, 413);
    assert.equal(res.body.error!.code, "TOO_LARGE");
    assert.ok(res.body.error!.message);
  });

  test("a streamed body is cut off at MAX_UPLOAD_BYTES: 413 while the client is still sending", async () => {
    const room = await roomWith(member);
    const total = MAX * 50;
    const res = await streamUpload(room, member.token, total);
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, "TOO_LARGE");
    assert.ok(res.written < total, `the server answered after ${res.written} of ${total} bytes`);
    // The server still serves this user normally afterwards.
    assert.equal((await upload(server.url, member.token, room, Buffer.from("small"))).status, 201);
  });

  test("a decompression bomb (50,000 x 50,000 PNG) is refused without decoding it", async () => {
    const room = await roomWith(member);
    const bomb = bombPng(50_000, 50_000);
    assert.ok(bomb.length < MAX);
    const res = await upload(server.url, member.token, room, bomb, "bomb.png");
    assert.equal(res.status, 413, JSON.stringify(res.body));
    assert.equal(res.body.error!.code, "TOO_LARGE");
    // The server is alive and well.
    assert.equal((await upload(server.url, member.token, room, await png(10, 10), "ok.png")).status, 201);
  });
});

describe("quota and rate", () => {
  let limited: TestServer;
  before(async () => {
    limited = await startServer({ UPLOAD_QUOTA_BYTES: String(100_000), RATE_UPLOADS_PER_MIN: "4" });
  });
  after(() => limited?.stop());

  test("over UPLOAD_QUOTA_BYTES uploads get 413; over RATE_UPLOADS_PER_MIN, 429", async () => {
    const [a, b] = await Promise.all([registerUser(limited.url, "quota"), registerUser(limited.url, "rate")]);
    const roomA = await createRoom(limited.url, a, "private");
    assert.equal((await upload(limited.url, a.token, roomA, Buffer.alloc(60_000, 1))).status, 201);
    const over = await upload(limited.url, a.token, roomA, Buffer.alloc(60_000, 1));
    assert.equal(over.status, 413);
    assert.equal(over.body.error!.code, "TOO_LARGE");
    assert.match(over.body.error!.message, /quota/);
    assert.equal((await upload(limited.url, a.token, roomA, Buffer.alloc(30_000, 1))).status, 201, "what fits still fits");

    const roomB = await createRoom(limited.url, b, "private");
    for (let i = 0; i < 4; i++) assert.equal((await upload(limited.url, b.token, roomB, Buffer.from(`n${i}`))).status, 201);
    const res = await fetch(`${limited.url}/api/rooms/${roomB}/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${b.token}` },
      body: (() => {
        const form = new FormData();
        form.append("file", new Blob([Buffer.from("again")]), "again.txt");
        return form;
      })(),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "RATE_LIMITED");
  });
});

export type { Message, ServerFrame, TestSocket };
