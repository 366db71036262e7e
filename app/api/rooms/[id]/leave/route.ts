import { leaveRoom } from "@/server/chat/rooms";
import { apiRoute, idParam } from "@/server/http/route";

/** Gives up membership; the room hears `member {event: "left"}`. */
export const POST = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  await leaveRoom(runtime, actor, idParam(params.id));
  return new Response(null, { status: 204 });
});
