import { getBans } from "@/server/chat/moderation";
import { apiRoute, json, idParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ bans: await getBans(runtime, actor, idParam(params.id)) });
});
