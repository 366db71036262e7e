import { SearchQuery } from "@/protocol/rest";
import { searchForUser } from "@/server/chat/search";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => {
  const query = parseQuery(req, SearchQuery);
  return json({ results: await searchForUser(runtime, actor, query) });
});
