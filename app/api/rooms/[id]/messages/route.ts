import { z } from "zod";
import { HistoryQuery } from "@/protocol/rest";
import { getHistory } from "@/server/chat/messages";
import { notFound } from "@/server/errors";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  if (!z.string().uuid().safeParse(params.id).success) throw notFound("room");
  const page = parseQuery(req, HistoryQuery);
  return json({ messages: await getHistory(runtime, actor, params.id, page) });
});
