import { MembersQuery } from "@/protocol/rest";
import { getMembersPage } from "@/server/chat/rooms";
import { apiRoute, json, idParam, parseQuery } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  return json(await getMembersPage(runtime, actor, idParam(params.id), parseQuery(req, MembersQuery)));
});
