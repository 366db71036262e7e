import type { Duplex } from "node:stream";
import WebSocket from "ws";
import { MSGPACK_SUBPROTOCOL, type ServerFrame } from "@/protocol";
import { toMsgpack } from "./msgpack";

/** A socket whose peer reads slower than we write is dropped instead of growing memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export const encodeFrame = (frame: ServerFrame) => JSON.stringify(frame);

/**
 * A frame already serialized. A Buffer is written as a text frame without another UTF-8
 * conversion, so one broadcast is encoded once and the same bytes go to every socket.
 */
export type Encoded = string | Buffer;

/**
 * The connection under each authenticated WebSocket (`ws` keeps it private), registered by the
 * gateway at upgrade so frames written in one burst can share a write.
 */
const transports = new WeakMap<WebSocket, Duplex>();

export function attachTransport(socket: WebSocket, transport: Duplex): void {
  transports.set(socket, transport);
}

/** Connections corked in the current tick; uncorked together once it ends. */
let corked: Duplex[] = [];

/**
 * Holds a socket's writes until the end of the tick. A group commit acks and fans out a whole
 * batch in one microtask run: without this, every frame is its own `writev` system call (a
 * 150-message batch to a 50-member room is 7,500 calls); with it, one call per socket carries the
 * batch. Nothing waits longer than the tick that wrote it.
 */
function holdUntilTickEnd(socket: WebSocket): void {
  const transport = transports.get(socket);
  if (!transport || transport.writableCorked > 0) return;
  transport.cork();
  if (corked.length === 0) process.nextTick(releaseCorked);
  corked.push(transport);
}

function releaseCorked(): void {
  const released = corked;
  corked = [];
  for (const transport of released) transport.uncork();
}

/** The only way frames leave the server: typed, and skipped for sockets that are not open. */
export function sendFrame(socket: WebSocket, frame: ServerFrame | Encoded): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, "client is not reading; reconnect");
    return;
  }
  holdUntilTickEnd(socket);
  // A MessagePack socket gets every frame as binary; broadcasts were encoded once as JSON.
  if (socket.protocol === MSGPACK_SUBPROTOCOL) socket.send(toMsgpack(frame), { binary: true });
  else if (Buffer.isBuffer(frame)) socket.send(frame, { binary: false });
  else socket.send(typeof frame === "string" ? frame : encodeFrame(frame));
}
