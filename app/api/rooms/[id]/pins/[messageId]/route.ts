import { unpinMessage } from "@/server/chat/pins";
import { apiRoute, idParam } from "@/server/http/route";

export const DELETE = apiRoute<{ id: string; messageId: string }>(async ({ params, runtime, actor }) => {
  await unpinMessage(runtime, actor, idParam(params.id), idParam(params.messageId, "message"));
  return new Response(null, { status: 204 });
});
