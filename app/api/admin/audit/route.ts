import { SiteAuditQuery } from "@/protocol/rest";
import { getSiteAudit } from "@/server/admin/audit";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => {
  const { before, limit } = parseQuery(req, SiteAuditQuery);
  return json(await getSiteAudit(runtime, actor, { before: before ? new Date(before) : undefined, limit }));
});
