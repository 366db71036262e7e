import { getExportStatus } from "@/server/chat/exports";
import { apiRoute, json, idParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string; exportId: string }>(async ({ params, runtime, actor }) => {
  return json({ export: await getExportStatus(runtime, actor, idParam(params.id), idParam(params.exportId, "export")) });
});
