/**
 * Uploads end to end against the real server: who may upload, what the server makes of the
 * bytes (sniffed type, thumbnails, stripped metadata), the limits (size, quota, rate, pixels),
 * who may fetch them (members who can read the message; 404 for everyone else), HTTP caching
 * and ranges, and deletion of the bytes with their message.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { crc32, deflateSync } from "node:zlib";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, waitFor, type TestSocket, type TestUser } from "../support/client";
import { connect, roomWithMembers, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";
import { download, jpegWithExif, png, upload } from "../support/uploads";

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;

const MAX = 2 * 1024 * 1024;

before(async () => {
  server = await startServer({ MAX_UPLOAD_BYTES: String(MAX), RATE_UPLOADS_PER_MIN: "1000" });
  [owner, member, outsider] = await users(server, ["own", "mem", "out"]);
});
after(() => server?.stop());

const roomWith = (...members: TestUser[]) => roomWithMembers(server, owner, members, "private");

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
    // A `file` part without a filename is still the file.
    const bare = new FormData();
    bare.append("file", "plain text sent as a field");
    const named = await fetch(`${server.url}/api/rooms/${room}/uploads`, { method: "POST", headers: { authorization: `Bearer ${member.token}` }, body: bare });
    assert.equal(named.status, 201);
    const got = ((await named.json()) as { upload: { name: string; mime: string } }).upload;
    assert.deepEqual([got.name, got.mime], ["file", "text/plain"]);
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
      res.on("end", () => {
        resolve({ status: res.statusCode!, body, written });
        req.destroy();
      });
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
    const [a, b] = await users(limited, ["quota", "rate"]);
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

async function uploaded(user: TestUser, room: string, bytes: Uint8Array | Promise<Uint8Array>, name = "file.bin") {
  const res = await upload(server.url, user.token, room, await bytes, name);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.upload!;
}

async function sendWith(socket: TestSocket, room: string, frame: Record<string, unknown>) {
  return socket.request({ type: "send", room, ...frame });
}

const ackMessage = (frame: ServerFrame): Message => {
  assert.equal(frame.type, "ack", JSON.stringify(frame));
  return (frame as Extract<ServerFrame, { type: "ack" }>).message;
};
const errorCode = (frame: ServerFrame) => {
  assert.equal(frame.type, "error", JSON.stringify(frame));
  return (frame as Extract<ServerFrame, { type: "error" }>).code;
};

describe("attaching", () => {
  test("a send carries its uploads; the room sees them live and in history", async () => {
    const room = await roomWith(member);
    const [alice, bob] = await Promise.all([connect(server, member, { join: [room] }), connect(server, owner, { join: [room] })]);
    const image = await uploaded(member, room, png(100, 50), "a.png");
    const doc = await uploaded(member, room, Buffer.from("%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"), "doc.pdf");
    const message = ackMessage(await sendWith(alice, room, { attachments: [image.id, doc.id] }));
    assert.equal(message.content, "");
    assert.equal(message.kind, "file");
    assert.deepEqual(message.attachments, [image, doc]);
    const live = await bob.next((f) => f.type === "message" && f.message.id === message.id);
    assert.deepEqual((live as Extract<ServerFrame, { type: "message" }>).message.attachments, [image, doc]);
    const history = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.find((m) => m.id === message.id)!.attachments, [image, doc]);

    const photo = await uploaded(member, room, png(20, 20), "b.png");
    const imageMessage = ackMessage(await sendWith(alice, room, { content: "look", attachments: [photo.id] }));
    assert.equal(imageMessage.kind, "image");
    const voice = await uploaded(member, room, Buffer.from("OggS\u0000\u0002" + "\u0000".repeat(40)), "note.ogg");
    assert.equal(ackMessage(await sendWith(alice, room, { kind: "voice", attachments: [voice.id] })).kind, "voice");
    assert.equal(errorCode(await sendWith(alice, room, { content: "" })), "INVALID");
    const eleven = await Promise.all(Array.from({ length: 11 }, () => uploaded(member, room, Buffer.from("x"))));
    assert.equal(errorCode(await sendWith(alice, room, { attachments: eleven.map((u) => u.id) })), "INVALID");
  });

  test("an upload is attached once, only by its uploader, only in its room", async () => {
    const room = await roomWith(member);
    const other = await roomWith(member);
    const [alice, bob] = await Promise.all([connect(server, member, { join: [room, other] }), connect(server, owner, { join: [room] })]);
    const up = await uploaded(member, room, Buffer.from("once"));
    assert.equal(errorCode(await sendWith(bob, room, { attachments: [up.id] })), "NOT_FOUND", "someone else's upload");
    assert.equal(errorCode(await sendWith(alice, other, { attachments: [up.id] })), "INVALID", "another room");
    const id = randomUUID();
    const first = ackMessage(await sendWith(alice, room, { id, attachments: [up.id] }));
    assert.equal(ackMessage(await sendWith(alice, room, { id, attachments: [up.id] })).id, first.id, "a retry gets the same ack");
    assert.equal(errorCode(await sendWith(alice, room, { attachments: [up.id] })), "CONFLICT", "already attached");

    // Two sends racing for one upload inside the same group commit: exactly one gets it.
    const raced = await uploaded(member, room, Buffer.from("race"));
    const answers = await Promise.all([sendWith(alice, room, { attachments: [raced.id] }), sendWith(alice, room, { content: "x", attachments: [raced.id] })]);
    assert.deepEqual(answers.map((a) => a.type).sort(), ["ack", "error"]);
    assert.equal(errorCode(answers.find((a) => a.type === "error")!), "CONFLICT");
    const after = await api<{ messages: Message[] }>(server.url, "GET", `/api/rooms/${room}/messages`, { token: member.token });
    const seqs = after.body.messages.map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i), "no hole in seq");
    assert.equal(after.body.messages.filter((m) => m.attachments?.some((a) => a.id === raced.id)).length, 1);
  });

  test("with file sharing off, attachments are refused", async () => {
    const room = await roomWith(member);
    const up = await uploaded(member, room, Buffer.from("soon off"));
    assert.equal((await api(server.url, "PATCH", `/api/rooms/${room}`, { token: owner.token, body: { files_allowed: false } })).status, 200);
    const alice = await connect(server, member, { join: [room] });
    assert.equal(errorCode(await sendWith(alice, room, { attachments: [up.id] })), "FORBIDDEN");
  });
});

describe("downloading", () => {
  test("members who can read the message get the bytes; everyone else 404 (outsider, kicked, banned, third party to a private message)", async () => {
    const [kicked, banned, third] = await users(server, ["kick", "ban", "third"]);
    const room = await roomWith(member, kicked, banned, third);
    const up = await uploaded(member, room, png(30, 30), "secret.png");
    // Before it is attached only the uploader may fetch it.
    assert.equal((await download(server.url, member.token, up.url)).status, 200);
    assert.equal((await download(server.url, owner.token, up.url)).status, 404);
    assert.equal((await download(server.url, undefined, up.url)).status, 401);

    const alice = await connect(server, member, { join: [room] });
    ackMessage(await sendWith(alice, room, { attachments: [up.id] }));
    for (const user of [owner, kicked, banned, third]) assert.equal((await download(server.url, user.token, up.url)).status, 200, user.username);
    assert.equal((await download(server.url, outsider.token, up.url)).status, 404);
    assert.equal((await download(server.url, outsider.token, up.thumb_url!)).status, 404);

    const moderate = (body: Record<string, unknown>) => api(server.url, "POST", `/api/rooms/${room}/moderation`, { token: owner.token, body });
    assert.equal((await moderate({ action: "kick", user: kicked.id })).status, 200);
    assert.equal((await moderate({ action: "ban", user: banned.id })).status, 200);
    for (const user of [kicked, banned]) {
      assert.equal((await download(server.url, user.token, up.url)).status, 404, user.username);
      assert.equal((await download(server.url, user.token, up.thumb_url!)).status, 404, user.username);
    }

    const hidden = await uploaded(member, room, Buffer.from("for the owner only"), "dm.txt");
    ackMessage(await sendWith(alice, room, { to: owner.id, content: "psst", attachments: [hidden.id] }));
    assert.equal((await download(server.url, owner.token, hidden.url)).status, 200);
    assert.equal((await download(server.url, member.token, hidden.url)).status, 200);
    assert.equal((await download(server.url, third.token, hidden.url)).status, 404);
    assert.equal((await download(server.url, member.token, "/api/uploads/00000000-0000-4000-8000-000000000000")).status, 404);
    assert.equal((await download(server.url, member.token, "/api/uploads/not-a-uuid")).status, 404);
  });

  test("ETag revalidation, HEAD and byte ranges (206, 416)", async () => {
    const room = await roomWith(member);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const up = await uploaded(member, room, bytes, "data.bin");
    const full = await download(server.url, member.token, up.url);
    const etag = full.headers.get("etag")!;
    assert.ok(etag);
    assert.equal(full.headers.get("accept-ranges"), "bytes");
    assert.equal(full.headers.get("content-length"), "1000");
    assert.equal((await download(server.url, member.token, up.url, { "if-none-match": etag })).status, 304);

    const part = await download(server.url, member.token, up.url, { range: "bytes=100-199" });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 100-199/1000");
    assert.ok(part.bytes.equals(bytes.subarray(100, 200)));
    const tail = await download(server.url, member.token, up.url, { range: "bytes=-10" });
    assert.equal(tail.status, 206);
    assert.ok(tail.bytes.equals(bytes.subarray(990)));
    const open = await download(server.url, member.token, up.url, { range: "bytes=995-" });
    assert.equal(open.headers.get("content-range"), "bytes 995-999/1000");
    const beyond = await download(server.url, member.token, up.url, { range: "bytes=5000-6000" });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), "bytes */1000");

    const head = await fetch(server.url + up.url, { method: "HEAD", headers: { authorization: `Bearer ${member.token}` } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "1000");
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });
});

describe("deleting", () => {
  test("deleting a message deletes its attachments' bytes and thumbnails", async () => {
    const room = await roomWith(member);
    const alice = await connect(server, member, { join: [room] });
    const up = await uploaded(member, room, png(50, 50), "gone.png");
    assert.ok(existsSync(filePath(up.id)) && existsSync(filePath(up.id, ".webp")));
    const message = ackMessage(await sendWith(alice, room, { attachments: [up.id] }));
    const deleted = ackMessage(await alice.request({ type: "delete", room, message: message.id }));
    assert.equal(deleted.attachments, undefined);
    assert.ok(!existsSync(filePath(up.id)), "original removed");
    assert.ok(!existsSync(filePath(up.id, ".webp")), "thumbnail removed");
    assert.equal((await download(server.url, member.token, up.url)).status, 404);
  });
});

describe("unattached uploads", () => {
  let quick: TestServer;
  before(async () => {
    quick = await startServer({ UPLOAD_UNATTACHED_TTL_MS: "1000", UPLOAD_SWEEP_INTERVAL_MS: "200" });
  });
  after(() => quick?.stop());

  test("are deleted by the uploads-sweep job after UPLOAD_UNATTACHED_TTL_MS; attached ones stay", async () => {
    const user = await registerUser(quick.url, "sweep");
    const room = await createRoom(quick.url, user, "private");
    const socket = await connect(quick, user, { join: [room] });
    const kept = (await upload(quick.url, user.token, room, Buffer.from("kept"))).body.upload!;
    ackMessage(await socket.request({ type: "send", room, attachments: [kept.id] }));
    const dropped = (await upload(quick.url, user.token, room, Buffer.from("dropped"))).body.upload!;
    const where = (id: string) => path.join(quick.dataDir, "files", "uploads", id.slice(0, 2), id);
    assert.ok(existsSync(where(dropped.id)));
    await waitFor(() => !existsSync(where(dropped.id)), { timeoutMs: 30_000, what: "the unattached upload to be swept" });
    assert.equal((await download(quick.url, user.token, dropped.url)).status, 404);
    assert.ok(existsSync(where(kept.id)));
    assert.equal((await download(quick.url, user.token, kept.url)).status, 200);
  });
});
