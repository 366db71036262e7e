import { CreateRoomBody, ListRoomsQuery } from "@/protocol/rest";
import { createRoom, listRooms } from "@/server/chat/rooms";
import { apiRoute, json, parseBody, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => {
  const query = parseQuery(req, ListRoomsQuery);
  return json({ rooms: await listRooms(runtime, actor, query) });
});

export const POST = apiRoute(async ({ req, runtime, actor }) => {
  const body = await parseBody(req, CreateRoomBody);
  return json(await createRoom(runtime, actor, body), 201);
});
