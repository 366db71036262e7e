import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { ExportDownloadQuery } from "@/protocol/rest";
import { exportForDownload } from "@/server/chat/exports";
import { AppError } from "@/server/errors";
import { apiRoute, idParam, parseQuery } from "@/server/http/route";

const TYPES = { jsonl: "application/x-ndjson; charset=utf-8", html: "text/html; charset=utf-8" } as const;

/**
 * Streams one file of a finished export to someone who can read the room now. Always an
 * attachment; like every non-page answer it carries a CSP under which nothing runs in place.
 */
export const GET = apiRoute<{ id: string; exportId: string }>(async ({ req, params, runtime, actor }) => {
  const { format } = parseQuery(req, ExportDownloadQuery);
  const { base, roomName, createdAt } = await exportForDownload(runtime, actor, idParam(params.id), idParam(params.exportId, "export"));
  const file = `${base}.${format}`;
  const size = await stat(/*turbopackIgnore: true*/ file).then(
    (s) => s.size,
    () => {
      throw new AppError("NOT_FOUND", "export not found");
    },
  );
  const slug = roomName.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "room";
  const filename = `confab-${slug}-${createdAt.toISOString().slice(0, 10)}.${format}`;
  return new Response(Readable.toWeb(createReadStream(/*turbopackIgnore: true*/ file)) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": TYPES[format],
      "content-length": String(size),
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
    },
  });
});
