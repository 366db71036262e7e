import { getRoomDetail, joinRoom } from "@/server/chat/rooms";
import { apiRoute, json, idParam } from "@/server/http/route";

/** Becomes a member of a public room (private rooms need an invitation). */
export const POST = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  const roomId = idParam(params.id);
  await joinRoom(runtime, actor, roomId);
  return json(await getRoomDetail(runtime, actor, roomId));
});
