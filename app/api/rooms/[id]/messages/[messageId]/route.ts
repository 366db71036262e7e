import { getMessage } from "@/server/chat/messages";
import { apiRoute, idParam, json } from "@/server/http/route";

export const GET = apiRoute<{ id: string; messageId: string }>(async ({ params, runtime, actor }) => {
  return json({ message: await getMessage(runtime, actor, idParam(params.id), idParam(params.messageId, "message")) });
});
