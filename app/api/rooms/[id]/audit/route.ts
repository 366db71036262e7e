import { z } from "zod";
import { QueryDate } from "@/protocol/rest";
import { getAuditLog } from "@/server/chat/moderation";
import { apiRoute, json, parseQuery, idParam } from "@/server/http/route";

const AuditQuery = z.object({ before: QueryDate.optional(), limit: z.coerce.number().int().min(1).max(200).default(100) });

export const GET = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const query = parseQuery(req, AuditQuery);
  return json({ entries: await getAuditLog(runtime, actor, idParam(params.id), query) });
});
