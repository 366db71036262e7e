/**
 * The `confab.v1.msgpack` subprotocol: every frame both ways as one binary MessagePack frame,
 * with the same schemas as JSON; `send` may carry a small file inline, stored exactly like an
 * upload. Text sockets are unchanged, and still refuse binary frames.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { pack, unpack } from "msgpackr";
import WebSocket from "ws";
import { MSGPACK_SUBPROTOCOL, type Message, type ServerFrame } from "@/protocol";
import { createRoom, type TestUser } from "../support/client";
import { connect, users } from "../support/fixture";
import { startServer, type TestServer } from "../support/server";
import { download, png } from "../support/uploads";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  server = await startServer();
  [alice, bob] = await users(server, ["mpa", "mpb"]);
});
after(() => server?.stop());

/** A socket speaking MessagePack; records every frame with whether it came binary. */
class PackSocket {
  readonly frames: Array<{ frame: ServerFrame; binary: boolean }> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const frame = (isBinary ? unpack(data as Buffer) : JSON.parse(data.toString())) as ServerFrame;
      this.frames.push({ frame, binary: isBinary });
    });
  }

  static async connect(user: TestUser): Promise<PackSocket> {
    const ws = new WebSocket(server.wsUrl, [MSGPACK_SUBPROTOCOL], { headers: { authorization: `Bearer ${user.token}` } });
    const socket = new PackSocket(ws);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    await socket.next((f) => f.type === "ready");
    return socket;
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(pack(frame));
  }

  async next(match: (f: ServerFrame) => boolean, from = 0): Promise<ServerFrame> {
    for (;;) {
      const found = this.frames.slice(from).find((f) => match(f.frame));
      if (found) return found.frame;
      await new Promise((resolve) => this.ws.once("message", resolve));
    }
  }

  async request(frame: Record<string, unknown>): Promise<ServerFrame> {
    const id = (frame.id as string | undefined) ?? randomUUID();
    const from = this.frames.length;
    this.send({ ...frame, id });
    return this.next((f) => "ref" in f && f.ref === id, from);
  }
}

describe("confab.v1.msgpack", () => {
  test("every frame is binary MessagePack both ways; text sockets in the same room are unchanged", async () => {
    const room = await createRoom(server.url, alice, "public");
    const packed = await PackSocket.connect(alice);
    assert.equal(packed.ws.protocol, MSGPACK_SUBPROTOCOL);
    const text = await connect(server, bob, { join: [room] });
    const joined = await packed.request({ type: "join", room });
    assert.equal(joined.type, "joined");
    const ack = await packed.request({ type: "send", room, content: "hello in msgpack" });
    assert.equal(ack.type, "ack");
    const message = (ack as Extract<ServerFrame, { type: "ack" }>).message;
    assert.equal(message.content, "hello in msgpack");
    assert.ok(packed.frames.every((f) => f.binary), "no text frame on a MessagePack socket");
    const seen = await text.next((f) => f.type === "message" && f.message.id === message.id);
    assert.equal((seen as Extract<ServerFrame, { type: "message" }>).message.content, "hello in msgpack");

    const reply = await text.request({ type: "send", room, content: "hello back in JSON" });
    const relayed = await packed.next((f) => f.type === "message" && f.message.id === (reply as Extract<ServerFrame, { type: "ack" }>).message.id);
    assert.equal((relayed as Extract<ServerFrame, { type: "message" }>).message.content, "hello back in JSON");
    assert.equal((await packed.request({ type: "ping" })).type, "pong");
    packed.ws.close();
  });

  test("send carries an inline file, stored and served like an upload", async () => {
    const room = await createRoom(server.url, alice, "private");
    const packed = await PackSocket.connect(alice);
    await packed.request({ type: "join", room });
    const image = await png(200, 100);
    const id = randomUUID();
    const ack = await packed.request({ type: "send", id, room, file: { name: "paste.png", mime: "image/png", data: image } });
    assert.equal(ack.type, "ack", JSON.stringify(ack));
    const message: Message = (ack as Extract<ServerFrame, { type: "ack" }>).message;
    assert.equal(message.kind, "image");
    assert.equal(message.content, "");
    const [attachment] = message.attachments!;
    assert.equal(attachment!.name, "paste.png");
    assert.equal(attachment!.mime, "image/png");
    assert.equal(attachment!.width, 200);
    assert.ok(attachment!.thumb_url);
    const got = await download(server.url, alice.token, attachment!.url);
    assert.equal(got.status, 200);
    assert.ok(got.bytes.equals(image));

    const again = await packed.request({ type: "send", id, room, file: { name: "paste.png", data: image } });
    assert.equal((again as Extract<ServerFrame, { type: "ack" }>).message.id, message.id, "a retry is answered with the stored message");

    const tooBig = await packed.request({ type: "send", room, file: { name: "big.bin", data: Buffer.alloc(512 * 1024 + 1, 1) } });
    assert.equal(tooBig.type, "error");
    assert.equal((tooBig as Extract<ServerFrame, { type: "error" }>).code, "INVALID");
    packed.ws.close();
  });

  test("a text frame on a MessagePack socket, a binary frame or a JSON file on a text socket: INVALID", async () => {
    const room = await createRoom(server.url, alice, "public");
    const packed = await PackSocket.connect(alice);
    const from = packed.frames.length;
    packed.ws.send(JSON.stringify({ type: "ping" }));
    const refused = await packed.next((f) => f.type === "error", from);
    assert.equal((refused as Extract<ServerFrame, { type: "error" }>).code, "INVALID");
    packed.ws.close();

    const text = await connect(server, alice, { join: [room] });
    const at = text.frames.length;
    text.ws.send(pack({ type: "ping" }));
    const binary = await text.next((f) => f.type === "error", { fromIndex: at });
    assert.equal((binary as Extract<ServerFrame, { type: "error" }>).code, "INVALID");
    const json = await text.request({ type: "send", room, file: { name: "x.txt", data: "aGVsbG8=" } });
    assert.equal((json as Extract<ServerFrame, { type: "error" }>).code, "INVALID");
    text.send({ type: "send", id: randomUUID(), room, content: "x".repeat(70 * 1024) });
    assert.equal(await text.closed, 1009, "text sockets keep their 64 KiB frame bound");
  });
});
