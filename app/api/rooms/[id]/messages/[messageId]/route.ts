import { getMessage } from "@/server/chat/messages";
import { notFound } from "@/server/errors";
import { apiRoute, json, roomIdParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string; messageId: string }>(async ({ params, runtime, actor }) => {
  if (!/^[0-9a-f-]{36}$/i.test(params.messageId)) throw notFound("message");
  return json({ message: await getMessage(runtime, actor, roomIdParam(params.id), params.messageId) });
});
