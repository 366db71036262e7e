import { UserRef } from "@/protocol/rest";
import { openDirectRoom } from "@/server/chat/direct";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const POST = apiRoute(async ({ req, runtime, actor }) => {
  const { user } = await parseBody(req, UserRef);
  return json(await openDirectRoom(runtime, actor, user));
});
