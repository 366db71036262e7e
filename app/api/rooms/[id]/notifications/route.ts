import { NotificationsBody } from "@/protocol/rest";
import { setNotificationLevel } from "@/server/chat/notifications";
import { apiRoute, idParam, json, parseBody } from "@/server/http/route";

/** The caller's notification level for the room: `{"level": "all" | "mentions" | "none"}`. */
export const PATCH = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const { level } = await parseBody(req, NotificationsBody);
  return json(await setNotificationLevel(runtime, actor, idParam(params.id), level));
});
