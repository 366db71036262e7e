import { removePreview } from "@/server/chat/link-previews";
import { apiRoute, idParam, json } from "@/server/http/route";

/** The sender removes the link preview from their message, for good; the room gets `message_updated`. */
export const DELETE = apiRoute<{ id: string; messageId: string }>(async ({ params, runtime, actor }) => {
  return json({ message: await removePreview(runtime, actor, { roomId: idParam(params.id), messageId: idParam(params.messageId, "message") }) });
});
