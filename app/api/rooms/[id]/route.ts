import { PatchRoomBody } from "@/protocol/rest";
import { getRoomDetail } from "@/server/chat/rooms";
import { updateRoomSettings } from "@/server/chat/settings";
import { apiRoute, json, parseBody, idParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json(await getRoomDetail(runtime, actor, idParam(params.id)));
});

export const PATCH = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const patch = await parseBody(req, PatchRoomBody);
  return json(await updateRoomSettings(runtime, actor, idParam(params.id), patch));
});
