import { OpenDmBody } from "@/protocol/rest";
import { openDirectRoom, openGroupDirectRoom } from "@/server/chat/direct";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const POST = apiRoute(async ({ req, runtime, actor }) => {
  const body = await parseBody(req, OpenDmBody);
  return json("user" in body ? await openDirectRoom(runtime, actor, body.user) : await openGroupDirectRoom(runtime, actor, body.users));
});
