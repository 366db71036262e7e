import { getBans } from "@/server/chat/moderation";
import { apiRoute, json, roomIdParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ bans: await getBans(runtime, actor, roomIdParam(params.id)) });
});
