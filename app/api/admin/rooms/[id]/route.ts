import { AdminRoomBody } from "@/protocol/rest";
import { deleteRoomByAdmin, setRoomArchived } from "@/server/admin/rooms";
import { apiRoute, idParam, json, parseBody } from "@/server/http/route";

export const PATCH = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const { archived } = await parseBody(req, AdminRoomBody);
  return json(await setRoomArchived(runtime, actor, { roomId: idParam(params.id), archived }));
});

export const DELETE = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => json(await deleteRoomByAdmin(runtime, actor, { roomId: idParam(params.id) })));
