import { AdminArchiveBody } from "@/protocol/rest";
import { getArchiveStatus, setArchiveEnabled } from "@/server/admin/archive";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const GET = apiRoute(async ({ runtime, actor }) => json(await getArchiveStatus(runtime, actor)));

export const PATCH = apiRoute(async ({ req, runtime, actor }) => {
  const { enabled } = await parseBody(req, AdminArchiveBody);
  return json(await setArchiveEnabled(runtime, actor, { enabled }));
});
