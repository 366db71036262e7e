import { MetricsQuery } from "@/protocol/rest";
import { getMetricsSeries } from "@/server/admin/metrics";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => json(await getMetricsSeries(runtime, actor, parseQuery(req, MetricsQuery).since)));
