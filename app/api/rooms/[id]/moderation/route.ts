import { ModerationBody } from "@/protocol/rest";
import { moderate } from "@/server/chat/moderation";
import { apiRoute, json, parseBody, idParam } from "@/server/http/route";

export const POST = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const body = await parseBody(req, ModerationBody);
  return json(await moderate(runtime, actor, idParam(params.id), body));
});
