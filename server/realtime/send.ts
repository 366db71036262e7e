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

/** The only way frames leave the server: typed, and skipped for sockets that are not open. */
export function sendFrame(socket: WebSocket, frame: ServerFrame | Encoded): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, "client is not reading; reconnect");
    return;
  }
  // A MessagePack socket gets every frame as binary; broadcasts were encoded once as JSON.
  if (socket.protocol === MSGPACK_SUBPROTOCOL) socket.send(toMsgpack(frame), { binary: true });
  else if (Buffer.isBuffer(frame)) socket.send(frame, { binary: false });
  else socket.send(typeof frame === "string" ? frame : encodeFrame(frame));
}
