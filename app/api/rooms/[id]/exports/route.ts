import { listRoomExports, startExport } from "@/server/chat/exports";
import { apiRoute, json, idParam } from "@/server/http/route";

/** Starts an export (admins); 202 because the file is built by a job. */
export const POST = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ export: await startExport(runtime, actor, idParam(params.id)) }, 202);
});

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ exports: await listRoomExports(runtime, actor, idParam(params.id)) });
});
