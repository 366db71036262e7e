import { getRoomDetail } from "@/server/chat/rooms";
import { apiRoute, json, roomIdParam } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json(await getRoomDetail(runtime, actor, roomIdParam(params.id)));
});
