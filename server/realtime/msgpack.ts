/**
 * The `confab.v1.msgpack` codec: the same frames as JSON, as MessagePack maps (msgpackr without
 * its record extension, so any MessagePack library reads them). Outgoing frames go through
 * JSON's data model first, so both encodings carry exactly the same fields (no `undefined`).
 */
import { Packr } from "msgpackr";
import type { RawData } from "ws";

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/** A frame as the JSON socket would send it (an object, or already JSON-encoded), as MessagePack. */
export function toMsgpack(frame: object | string | Buffer): Buffer {
  const value: unknown = typeof frame === "string" || Buffer.isBuffer(frame) ? JSON.parse(frame.toString()) : JSON.parse(JSON.stringify(frame));
  return packr.pack(value);
}

/** One binary frame decoded; throws on anything that is not a single MessagePack value. */
export function fromMsgpack(data: RawData): unknown {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return packr.unpack(bytes);
}

export const rawLength = (data: RawData) => (Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength);
