/**
 * The file routes, served by the custom server ahead of Next: uploads need the raw Node request
 * (busboy reads it as it arrives, and an oversized body is answered 413 and the connection
 * closed without reading on), downloads need Range and conditional requests on a stream.
 *
 *   POST      /api/rooms/:id/uploads   multipart/form-data, part `file` → 201 {upload}
 *   GET|HEAD  /api/uploads/:id         the bytes (Range, ETag)
 *   GET|HEAD  /api/uploads/:id/thumb   the WebP thumbnail of an image
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { isAllowedOrigin, requestScheme } from "@/server/auth/origin";
import { credentialFrom, verifyToken } from "@/server/auth/tokens";
import { AppError, errorBody, toAppError } from "@/server/errors";
import type { Runtime } from "@/server/runtime";
import { thumbKey, uploadKey } from "./attachments";
import { readableUpload } from "./download";
import { contentDisposition, contentTypeOf, isInlineType } from "./sniff";
import type { ByteRange } from "./store";
import { receiveUpload } from "./upload";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const UPLOAD_ROUTE = new RegExp(`^/api/rooms/([^/]+)/uploads/?$`);
const DOWNLOAD_ROUTE = new RegExp(`^/api/uploads/([^/]+?)(/thumb)?/?$`);
const isUuid = (value: string) => new RegExp(`^${UUID}$`).test(value);

/** Files' own policy: nothing in them runs, even when opened directly. */
const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** Handles the request when it is a file route; false hands it on (to Next). */
export function routeFiles(req: IncomingMessage, res: ServerResponse, runtime: Runtime): boolean {
  const pathname = (req.url ?? "/").split("?")[0]!;
  const upload = UPLOAD_ROUTE.exec(pathname);
  if (upload && req.method === "POST") {
    void handle(req, res, runtime, async (actor) => {
      if (!isUuid(upload[1]!)) throw new AppError("NOT_FOUND", "room not found");
      assertSameOrigin(req, runtime);
      const attachment = await receiveUpload(runtime, actor, upload[1]!.toLowerCase(), req);
      sendJson(res, 201, { upload: attachment });
    });
    return true;
  }
  const download = DOWNLOAD_ROUTE.exec(pathname);
  if (download && (req.method === "GET" || req.method === "HEAD")) {
    void handle(req, res, runtime, async (actor) => {
      if (!isUuid(download[1]!)) throw new AppError("NOT_FOUND", "file not found");
      await serveUpload(req, res, runtime, actor.id, download[1]!.toLowerCase(), download[2] !== undefined);
    });
    return true;
  }
  return false;
}

type Actor = { id: string; username: string };

async function handle(req: IncomingMessage, res: ServerResponse, runtime: Runtime, work: (actor: Actor) => Promise<void>): Promise<void> {
  try {
    const credential = credentialFrom({ authorization: req.headers.authorization, cookie: req.headers.cookie });
    const identity = credential ? await verifyToken(credential) : null;
    if (!identity) throw new AppError("UNAUTHENTICATED", "sign in or send Authorization: Bearer <token>");
    await work({ id: identity.userId, username: identity.username });
  } catch (err) {
    sendError(req, res, runtime, err);
  }
}

function assertSameOrigin(req: IncomingMessage, runtime: Runtime): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!isAllowedOrigin(origin, req.headers.host ?? null, runtime.config.ALLOWED_ORIGINS, requestScheme(req.headers["x-forwarded-proto"]))) {
    throw new AppError("FORBIDDEN", "cross-origin request refused");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendError(req: IncomingMessage, res: ServerResponse, runtime: Runtime, err: unknown): void {
  const { error, correlationId } = toAppError(err);
  runtime.metrics.errors.inc({ code: error.code, transport: "http" });
  if (correlationId) runtime.log.error({ err, correlationId }, "file route failed");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
  if (error.details.retryAfterMs !== undefined) headers["retry-after"] = String(Math.ceil(error.details.retryAfterMs / 1000));
  const body = JSON.stringify(errorBody(error));
  // A body we refused before reading it all: a small one is drained so the connection can be
  // reused; a big one (or one over the size limit) is not read on (see stopReading).
  const unread = req.method === "POST" && !req.readableEnded;
  const declared = Number(req.headers["content-length"]);
  const drain = unread && error.code !== "TOO_LARGE" && Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES;
  if (unread) req.unpipe();
  if (drain) req.resume();
  if (unread && !drain) return stopReading(req, res, error.status, headers, body);
  res.writeHead(error.status, headers);
  res.end(body);
}

/** Largest refused body still read to its end (so the connection survives). */
const DRAIN_MAX_BYTES = 1024 * 1024;
/** A client that neither finishes nor closes after a refused upload is cut off after this. */
const ABANDON_MS = 10_000;

/**
 * Answers without reading the rest of the body. The request stays paused, so TCP flow control
 * stops the client, which reads the complete answer (Content-Length, Connection: close) and
 * closes. The response is deliberately not ended: ending it would make Node either read and
 * discard the rest of the body, or close the socket with bytes unread, and the kernel's reset
 * for those can destroy the answer before the client reads it.
 */
function stopReading(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  req.pause();
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), ABANDON_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  res.writeHead(status, { ...headers, connection: "close", "content-length": String(Buffer.byteLength(body)) });
  res.write(body);
}

/** One `bytes=` range of a file of `size` bytes; null: serve the whole file; "unsatisfiable": 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or a unit other than bytes: answering the whole file is allowed.
  if (!match) return null;
  const [, from, to] = match;
  if (from === "" && to === "") return null;
  let start: number;
  let end: number;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
    if (to !== "" && Number(to) < start) return null;
  }
  if (start >= size || size === 0) return "unsatisfiable";
  return { start, end };
}

async function serveUpload(req: IncomingMessage, res: ServerResponse, runtime: Runtime, actorId: string, id: string, thumb: boolean): Promise<void> {
  const upload = await readableUpload(runtime, actorId, id);
  if (thumb && !upload.hasThumb) throw new AppError("NOT_FOUND", "file not found");
  const key = thumb ? thumbKey(id) : uploadKey(id);
  const mime = thumb ? "image/webp" : upload.mime;
  const size = thumb ? (await runtime.files.stat(key))?.size : upload.size;
  if (size === undefined) throw new AppError("NOT_FOUND", "file not found");
  // The bytes under an id never change, so the id is a strong validator.
  const etag = `"${id}${thumb ? "-thumb" : ""}"`;
  const headers: Record<string, string> = {
    "content-type": contentTypeOf(mime),
    "x-content-type-options": "nosniff",
    "content-disposition": contentDisposition(isInlineType(mime) ? "inline" : "attachment", thumb ? `${upload.name}.webp` : upload.name),
    // Revalidated on every use, so a member removed from the room stops getting it from cache.
    "cache-control": "private, no-cache",
    etag,
    "accept-ranges": "bytes",
    "content-security-policy": FILE_CSP,
    "cross-origin-resource-policy": "same-origin",
  };
  const inm = req.headers["if-none-match"];
  if (inm && inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
    res.writeHead(304, { etag, "cache-control": headers["cache-control"]! });
    res.end();
    return;
  }
  const ifRange = req.headers["if-range"];
  const range = ifRange !== undefined && ifRange !== etag ? null : parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    res.writeHead(416, { "content-range": `bytes */${size}`, "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ error: { code: "INVALID", message: "range not satisfiable" } }));
    return;
  }
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  headers["content-length"] = String(range ? range.end - range.start + 1 : size);
  if (req.method === "HEAD") {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const body = await runtime.files.get(key, range ?? undefined);
  if (!body) throw new AppError("NOT_FOUND", "file not found");
  res.writeHead(status, headers);
  await pipeline(body, res).catch((err: unknown) => {
    // The client went away mid-download: nothing to answer.
    if ((err as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") runtime.log.warn({ err, upload: id }, "file download failed");
  });
}
