/**
 * The voice-activity model (Silero, from @ricky0123/vad-web) and onnxruntime-web's WASM,
 * served from our own origin straight out of node_modules, so trimming voice notes works
 * offline and never asks a CDN (lib/files/voice.ts points onnxruntime at `/vad/`). Only the
 * files listed here are served.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";

const FILES: Record<string, { pkg: string; type: string }> = {
  "silero_vad_legacy.onnx": { pkg: "@ricky0123/vad-web/dist", type: "application/octet-stream" },
  "ort-wasm-simd-threaded.wasm": { pkg: "onnxruntime-web/dist", type: "application/wasm" },
  "ort-wasm-simd-threaded.mjs": { pkg: "onnxruntime-web/dist", type: "text/javascript; charset=utf-8" },
};

type Params = { params: Promise<{ file: string }> };

async function serve(req: Request, { params }: Params, body: boolean): Promise<Response> {
  const { file } = await params;
  const entry = Object.hasOwn(FILES, file) ? FILES[file] : undefined;
  if (!entry) return Response.json({ error: { code: "NOT_FOUND", message: "no such file" } }, { status: 404 });
  const full = path.join(process.cwd(), "node_modules", entry.pkg, file);
  const info = await stat(full).catch(() => null);
  if (!info) return Response.json({ error: { code: "NOT_FOUND", message: "no such file" } }, { status: 404 });
  // The files change only with their packages: size and mtime identify a version.
  const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  const headers = {
    "content-type": entry.type,
    "content-length": String(info.size),
    "cache-control": "public, max-age=86400",
    "x-content-type-options": "nosniff",
    etag,
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  if (!body) return new Response(null, { headers });
  return new Response(Readable.toWeb(createReadStream(full)) as ReadableStream<Uint8Array>, { headers });
}

export const GET = (req: Request, ctx: Params) => serve(req, ctx, true);
export const HEAD = (req: Request, ctx: Params) => serve(req, ctx, false);
