import { HistoryQuery } from "@/protocol/rest";
import { getHistory } from "@/server/chat/messages";
import { apiRoute, json, idParam, parseQuery } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const page = parseQuery(req, HistoryQuery);
  return json({ messages: await getHistory(runtime, actor, idParam(params.id), page) });
});
