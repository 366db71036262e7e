import { z } from "zod";
import { getActivity } from "@/server/chat/activity";
import { apiRoute, json, parseQuery } from "@/server/http/route";

const Query = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

export const GET = apiRoute(async ({ req, runtime, actor }) => json({ days: await getActivity(runtime, actor, parseQuery(req, Query)) }));
